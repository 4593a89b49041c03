using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using McpGateway.Core.Framing;
using McpGateway.Inspectors.Masking.Detectors;

namespace McpGateway.Inspectors.Masking;

/// <summary>
/// Masks the values of one JSON-RPC message. First the profile's <see cref="MaskPrefilter"/> looks at the raw bytes: a
/// frame that holds nothing any detector or field rule could match is done, untouched, without a JSON pass. Otherwise
/// one <see cref="Utf8JsonReader"/> pass; each string and number that is <c>params</c>, <c>result</c> or <c>error</c> or
/// lies inside them, that a field rule names, that is a base64 member, or whose raw bytes the pre-filter admits is
/// unescaped into a pooled buffer and run through the detectors (a number as its integer digits; a masked number
/// becomes a string). Nothing is written, and nothing allocated, until the first hit; from then on the original bytes are
/// copied up to each masked value, which is re-escaped in place. Member names and <c>jsonrpc</c> are never touched; the
/// id and method only for the record and approvers (<see cref="MaskUse"/>): in flight, the session refuses a message
/// whose id or method holds a secret (<see cref="EnvelopeHasSecret"/>), since changing them would change its meaning.
/// </summary>
internal static class MaskEngine
{
    private const int MinBase64Length = 16;

    /// <summary>The longest integer a number is read as (a card has at most 19 digits; decimal holds 29).</summary>
    private const int MaxIntegerDigits = 32;

    private static readonly byte[] Data = "data"u8.ToArray();
    private static readonly byte[] Blob = "blob"u8.ToArray();

    /// <summary>The masked message, or null when nothing matched. Throws <see cref="TimeoutException"/> past the budget.</summary>
    public static byte[]? Mask(in ReadOnlySequence<byte> payload, MaskProfile profile, MaskLabels labels, TimeProvider time, MaskUse use = MaskUse.InFlight)
    {
        if (payload.IsSingleSegment)
        {
            return Mask(payload.FirstSpan, profile, labels, time, use);
        }

        var started = time.GetTimestamp();
        if (!profile.Prefilter.MayMatchFrame(payload))
        {
            CheckBudget(time, started, profile);
            return null;
        }

        var length = checked((int)payload.Length);
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            payload.CopyTo(rented);
            return MaskValues(rented.AsSpan(0, length), profile, labels, time, started, use);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public static byte[]? Mask(ReadOnlySpan<byte> json, MaskProfile profile, MaskLabels labels, TimeProvider time, MaskUse use = MaskUse.InFlight)
    {
        var started = time.GetTimestamp();
        if (!profile.Prefilter.MayMatchFrame(json))
        {
            CheckBudget(time, started, profile);
            return null;
        }

        return MaskValues(json, profile, labels, time, started, use);
    }

    /// <summary>
    /// Whether an id or method (as the envelope pass read them) holds something a detector matches. The session cannot
    /// mask these in flight without changing what the message means, so a message from the upstream that trips this is
    /// refused instead.
    /// </summary>
    /// <remarks>Every request and notification from the upstream passes here: one with nothing to mask allocates nothing.</remarks>
    public static bool EnvelopeHasSecret(JsonRpcId id, string? method, MaskProfile profile) =>
        (id.IsValue && MaskId(id, profile, null, MaskUse.InFlight) is not null)
        || (method is not null && MaskEnvelopeText(method, profile, null, MaskUse.InFlight) is not null);

    /// <summary>An id as the audit record may show it (its JSON text): null when no detector matches it.</summary>
    /// <remarks>Every recorded frame passes here: an id with nothing to mask allocates nothing.</remarks>
    /// <param name="labels">The session's labels; null to only find out whether anything matches (throwaway labels).</param>
    public static string? MaskId(JsonRpcId id, MaskProfile profile, MaskLabels? labels, MaskUse use = MaskUse.Record)
    {
        string? masked = null;
        if (id.Kind == JsonRpcIdKind.String)
        {
            masked = MaskEnvelopeText(id.Text, profile, labels, use);
        }
        else if (id.Kind == JsonRpcIdKind.Number)
        {
            Span<byte> digits = stackalloc byte[24];
            id.Number.TryFormat(digits, out var written, provider: CultureInfo.InvariantCulture);
            masked = profile.Prefilter.MayMatchString(digits[..written]) ? MaskText(Encoding.UTF8.GetString(digits[..written]), profile, labels ?? new MaskLabels(), use) : null;
        }

        return masked is null ? null : JsonSerializer.Serialize(masked);
    }

    private static string? MaskEnvelopeText(string text, MaskProfile profile, MaskLabels? labels, MaskUse use)
    {
        var length = Encoding.UTF8.GetMaxByteCount(text.Length);
        var rented = length > 256 ? ArrayPool<byte>.Shared.Rent(length) : null;
        try
        {
            var bytes = rented ?? stackalloc byte[256];
            var written = Encoding.UTF8.GetBytes(text, bytes);
            return profile.Prefilter.MayMatchString(bytes[..written]) ? MaskText(text, profile, labels ?? new MaskLabels(), use) : null;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static byte[]? MaskValues(ReadOnlySpan<byte> json, MaskProfile profile, MaskLabels labels, TimeProvider time, long started, MaskUse use)
    {
        var prefilter = profile.Prefilter;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 1024 });
        char[]? chars = null;
        var fieldDepth = profile.FieldDepth;
        Span<PathEntry> path = fieldDepth == 0 ? default : stackalloc PathEntry[fieldDepth + 1];
        var nameBuffer = fieldDepth == 0 ? null : ArrayPool<byte>.Shared.Rent(64 * (fieldDepth + 1));
        ArrayBufferWriter<byte>? output = null;
        var copied = 0;
        var base64Member = false;
        var envelopeMember = false;
        Span<byte> digits = stackalloc byte[MaxIntegerDigits];
        try
        {
            while (reader.Read())
            {
                var depth = reader.CurrentDepth;
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        if (depth < fieldDepth)
                        {
                            path[depth + 1] = new PathEntry(reader.TokenType == JsonTokenType.StartArray, -1);
                        }

                        base64Member = false;
                        break;
                    case JsonTokenType.PropertyName:
                        base64Member = reader.ValueTextEquals(Data) || reader.ValueTextEquals(Blob);
                        if (depth == 1)
                        {
                            // jsonrpc is the framing's; the id and method are masked only where nobody acts on them.
                            envelopeMember = reader.ValueTextEquals("jsonrpc"u8)
                                || (use == MaskUse.InFlight && (reader.ValueTextEquals("id"u8) || reader.ValueTextEquals("method"u8)));
                        }

                        if (depth <= fieldDepth)
                        {
                            var slot = nameBuffer.AsSpan(64 * depth, 64);
                            var length = reader.ValueSpan.Length <= 64 ? reader.CopyString(slot) : -1;
                            path[depth] = new PathEntry(false, length);
                        }

                        break;
                    case JsonTokenType.String or JsonTokenType.Number when depth >= 2 || (depth == 1 && !envelopeMember):
                        var fieldKind = FieldKind(profile, path, nameBuffer, depth);
                        string? replacement;
                        if (reader.TokenType == JsonTokenType.Number)
                        {
                            replacement = MaskNumber(reader.ValueSpan, digits, profile, labels, fieldKind, use);
                        }
                        else
                        {
                            var candidate = prefilter.MayMatchString(reader.ValueSpan);
                            replacement = fieldKind is not null || candidate || (base64Member && profile.Base64 != Base64Mode.Ignore)
                                ? MaskString(ref reader, ref chars, profile, labels, base64Member, fieldKind, candidate, use)
                                : null;
                        }

                        if (replacement is not null)
                        {
                            output ??= new ArrayBufferWriter<byte>(json.Length + 64);
                            var start = checked((int)reader.TokenStartIndex);
                            output.Write(json[copied..start]);
                            WriteString(output, replacement);
                            copied = checked((int)reader.BytesConsumed);
                        }

                        CheckBudget(time, started, profile);

                        base64Member = false;
                        break;
                    default:
                        base64Member = false;
                        break;
                }
            }

            if (output is null)
            {
                return null;
            }

            output.Write(json[copied..]);
            return output.WrittenSpan.ToArray();
        }
        finally
        {
            if (chars is not null)
            {
                ArrayPool<char>.Shared.Return(chars);
            }

            if (nameBuffer is not null)
            {
                ArrayPool<byte>.Shared.Return(nameBuffer);
            }
        }
    }

    /// <summary>
    /// Masks one piece of text with the profile's detectors; null when nothing matched. Detectors see the text with other
    /// spellings of digits and ASCII folded (<see cref="UnicodeForms"/>); what is replaced is the original span.
    /// </summary>
    public static string? MaskText(ReadOnlySpan<char> text, MaskProfile profile, MaskLabels labels, MaskUse use = MaskUse.InFlight)
    {
        List<SecretMatch>? matches = null;
        var folds = UnicodeForms.TryFold(text, out var folded, out var map, out var length);
        var scanned = folds ? folded.AsSpan(0, length) : text;
        foreach (var detector in profile.Detectors)
        {
            detector.Find(scanned, ref matches);
        }

        if (matches is null)
        {
            return null;
        }

        if (folds)
        {
            for (var i = 0; i < matches.Count; i++)
            {
                var (start, matchLength, kind) = matches[i];
                matches[i] = new SecretMatch(map[start], map[start + matchLength] - map[start], kind);
            }
        }

        return Apply(text, matches, profile, labels, use);
    }

    /// <summary>
    /// A number's value as its integer digits (no sign; a fraction or exponent that leaves an integer is worked out), so
    /// that a card written as <c>4111111111111111</c>, <c>-4111111111111111</c> or <c>4.111111111111111e15</c> is found;
    /// masked, the whole number becomes the label.
    /// </summary>
    private static string? MaskNumber(ReadOnlySpan<byte> raw, Span<byte> digits, MaskProfile profile, MaskLabels labels, string? fieldKind, MaskUse use)
    {
        if (fieldKind is not null)
        {
            return Replacement(fieldKind, Encoding.UTF8.GetString(raw), profile, labels, use);
        }

        var integer = raw[0] == (byte)'-' ? raw[1..] : raw;
        if (integer.IndexOfAny((byte)'.', (byte)'e', (byte)'E') >= 0)
        {
            // Rare (serializers write integers as digits), so the string is allowed here.
            if (!decimal.TryParse(Encoding.UTF8.GetString(raw), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value != decimal.Truncate(value)
                || !decimal.Truncate(decimal.Abs(value)).TryFormat(digits, out var written, "0", CultureInfo.InvariantCulture))
            {
                return null;
            }

            integer = digits[..written];
        }

        if (integer.Length > MaxIntegerDigits || !profile.Prefilter.MayMatchString(integer))
        {
            return null;
        }

        Span<char> text = stackalloc char[integer.Length];
        for (var i = 0; i < integer.Length; i++)
        {
            text[i] = (char)integer[i];
        }

        List<SecretMatch>? matches = null;
        foreach (var detector in profile.Detectors)
        {
            detector.Find(text, ref matches);
        }

        // Labelled by its digits, so that a card gets one label however the number or a string spells it.
        return matches is null ? null : Replacement(matches[0].Kind, text.ToString(), profile, labels, use);
    }

    private static void CheckBudget(TimeProvider time, long started, MaskProfile profile)
    {
        if (time.GetElapsedTime(started) > profile.Budget)
        {
            throw new TimeoutException("masking exceeded the profile's budget");
        }
    }

    /// <summary>
    /// Masks one string: a field rule's value whole; a base64 member decoded (or replaced) per the profile; otherwise, and
    /// when decoding found nothing, the text itself when the pre-filter admitted its raw bytes (<paramref name="candidate"/>).
    /// </summary>
    private static string? MaskString(ref Utf8JsonReader reader, ref char[]? chars, MaskProfile profile, MaskLabels labels, bool base64Member, string? fieldKind, bool candidate, MaskUse use)
    {
        var needed = reader.ValueSpan.Length;
        if (chars is null || chars.Length < needed)
        {
            if (chars is not null)
            {
                ArrayPool<char>.Shared.Return(chars);
            }

            chars = ArrayPool<char>.Shared.Rent(Math.Max(needed, 256));
        }

        var text = chars.AsSpan(0, reader.CopyString(chars));
        if (fieldKind is not null)
        {
            return Replacement(fieldKind, text.ToString(), profile, labels, use);
        }

        // A data or blob value that is base64: decoded and scanned, or replaced whole. Either way (and with ignore) it is
        // also scanned as it stands, because a short secret such as a key id is itself valid base64.
        if (base64Member && profile.Base64 == Base64Mode.Replace && text.Length >= MinBase64Length && Base64.IsValid(text))
        {
            return Annotated("base64", labels.Label("base64", text.ToString()), text.ToString(), use);
        }

        if (base64Member && profile.Base64 == Base64Mode.Scan && text.Length >= MinBase64Length && Base64.IsValid(text, out var decodedLength)
            && MaskBase64(text, decodedLength, profile, labels, use) is { } masked)
        {
            return masked;
        }

        return candidate ? MaskText(text, profile, labels, use) : null;
    }

    private static string? MaskBase64(ReadOnlySpan<char> text, int decodedLength, MaskProfile profile, MaskLabels labels, MaskUse use)
    {
        var bytes = ArrayPool<byte>.Shared.Rent(decodedLength);
        char[]? decodedChars = null;
        try
        {
            if (!Convert.TryFromBase64Chars(text, bytes, out var written) || !SecretChecks.IsText(bytes.AsSpan(0, written))
                || !profile.Prefilter.MayMatchString(bytes.AsSpan(0, written)))
            {
                return null;
            }

            decodedChars = ArrayPool<char>.Shared.Rent(written);
            var count = Encoding.UTF8.GetChars(bytes.AsSpan(0, written), decodedChars);
            var masked = MaskText(decodedChars.AsSpan(0, count), profile, labels, use);

            // Approvers cannot read base64: they get the decoded text with its labels, marked as such.
            return masked is null ? null : use == MaskUse.Approval ? "[base64-decoded] " + masked : Convert.ToBase64String(Encoding.UTF8.GetBytes(masked));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
            if (decodedChars is not null)
            {
                ArrayPool<char>.Shared.Return(decodedChars);
            }
        }
    }

    private static string Apply(ReadOnlySpan<char> text, List<SecretMatch> matches, MaskProfile profile, MaskLabels labels, MaskUse use)
    {
        // Earliest first, the longer of two that start together; a match overlapping a kept one is dropped.
        matches.Sort(static (a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : b.Length.CompareTo(a.Length));
        var result = new StringBuilder(text.Length);
        var position = 0;
        foreach (var match in matches)
        {
            if (match.Start < position)
            {
                continue;
            }

            result.Append(text[position..match.Start]);
            result.Append(Replacement(match.Kind, text.Slice(match.Start, match.Length).ToString(), profile, labels, use));
            position = match.Start + match.Length;
        }

        result.Append(text[position..]);
        return result.ToString();
    }

    private static string Replacement(string kind, string value, MaskProfile profile, MaskLabels labels, MaskUse use) =>
        use != MaskUse.Approval && profile.Partial.Contains(kind) ? MaskLabels.Partial(value) : Annotated(kind, labels.Label(kind, value), value, use);

    /// <summary>
    /// For approvers, <c>[MASKED:kind:n len=N mac=xxxxxxxx]</c>: how many characters the label stands for, and a short
    /// keyed hash of the value. The key lives only in this process's memory, so two spans (or a span and what a reveal
    /// shows) can be compared, but nobody who reads a view or the audit store can test guesses of the value offline,
    /// as a plain hash of a password or card number would allow. A value that holds what a shell or URL would act on and
    /// its kind does not need (<see cref="ApprovalSuspicion"/>) ends <c> suspicious]</c>: it may hide a command or a path.
    /// </summary>
    private static string Annotated(string kind, string label, string value, MaskUse use) =>
        use != MaskUse.Approval ? label
            : string.Create(CultureInfo.InvariantCulture, $"{label.AsSpan(0, label.Length - 1)} len={value.Length} mac={ApprovalMac(value)}{(ApprovalSuspicion.IsSuspicious(kind, value) ? " suspicious" : "")}]");

    private static readonly byte[] _approvalMacKey = RandomNumberGenerator.GetBytes(32);

    /// <summary>The first 4 bytes of HMAC-SHA256 of the value under this process's key, as 8 hex digits.</summary>
    internal static string ApprovalMac(string value)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_approvalMacKey, Encoding.UTF8.GetBytes(value), mac);
        return Convert.ToHexStringLower(mac[..4]);
    }

    private static string? FieldKind(MaskProfile profile, ReadOnlySpan<PathEntry> path, byte[]? names, int depth)
    {
        if (names is null || depth > profile.FieldDepth)
        {
            return null;
        }

        foreach (var rule in profile.Fields)
        {
            if (rule.Segments.Length == depth && Matches(rule, path, names))
            {
                return rule.Kind;
            }
        }

        return null;
    }

    private static bool Matches(FieldRule rule, ReadOnlySpan<PathEntry> path, byte[] names)
    {
        for (var i = 0; i < rule.Segments.Length; i++)
        {
            // The value at depth i + 1 sits in the container opened at depth i.
            var entry = path[i + 1];
            var segment = rule.Segments[i];
            if (entry.InArray)
            {
                if (segment != FieldRule.AnyElement)
                {
                    return false;
                }
            }
            else if (segment == FieldRule.AnyElement)
            {
                return false;
            }
            else if (segment != FieldRule.AnyMember
                && (entry.NameLength < 0 || !names.AsSpan(64 * (i + 1), entry.NameLength).SequenceEqual(rule.Utf8Segments[i])))
            {
                return false;
            }
        }

        return true;
    }

    private static void WriteString(ArrayBufferWriter<byte> output, string value)
    {
        var encoded = JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
        output.Write("\""u8);
        output.Write(encoded.EncodedUtf8Bytes);
        output.Write("\""u8);
    }

    /// <summary>One level of the path to the current value: whether its container is an array, else the member name's length in the name buffer.</summary>
    private readonly record struct PathEntry(bool InArray, int NameLength);
}
