using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using McpGateway.Core.Masking.Detectors;

namespace McpGateway.Core.Masking;

/// <summary>
/// Masks the string values of one JSON-RPC message. First the profile's <see cref="MaskPrefilter"/> looks at the raw
/// bytes: a frame that holds nothing any detector or field rule could match is done, untouched, without a JSON pass.
/// Otherwise one <see cref="Utf8JsonReader"/> pass; each string below the envelope (depth 2 and deeper: inside
/// <c>params</c>, <c>result</c> or <c>error</c>) that a field rule names, that is a base64 member, or whose raw bytes the
/// pre-filter admits is unescaped into a pooled buffer and run through the detectors. Nothing is written, and nothing
/// allocated, until the first hit; from then on the original bytes are copied up to each masked string, which is
/// re-escaped in place. The envelope's members (jsonrpc, id, method) and every member name are never touched.
/// </summary>
internal static class MaskEngine
{
    private const int MinBase64Length = 16;

    private static readonly byte[] Data = "data"u8.ToArray();
    private static readonly byte[] Blob = "blob"u8.ToArray();

    /// <summary>The masked message, or null when nothing matched. Throws <see cref="TimeoutException"/> past the budget.</summary>
    public static byte[]? Mask(in ReadOnlySequence<byte> payload, MaskProfile profile, MaskLabels labels, TimeProvider time)
    {
        if (payload.IsSingleSegment)
        {
            return Mask(payload.FirstSpan, profile, labels, time);
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
            return MaskStrings(rented.AsSpan(0, length), profile, labels, time, started);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public static byte[]? Mask(ReadOnlySpan<byte> json, MaskProfile profile, MaskLabels labels, TimeProvider time)
    {
        var started = time.GetTimestamp();
        if (!profile.Prefilter.MayMatchFrame(json))
        {
            CheckBudget(time, started, profile);
            return null;
        }

        return MaskStrings(json, profile, labels, time, started);
    }

    private static byte[]? MaskStrings(ReadOnlySpan<byte> json, MaskProfile profile, MaskLabels labels, TimeProvider time, long started)
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
                        if (depth <= fieldDepth)
                        {
                            var slot = nameBuffer.AsSpan(64 * depth, 64);
                            var length = reader.ValueSpan.Length <= 64 ? reader.CopyString(slot) : -1;
                            path[depth] = new PathEntry(false, length);
                        }

                        break;
                    case JsonTokenType.String when depth >= 2:
                        var fieldKind = FieldKind(profile, path, nameBuffer, depth);
                        var candidate = prefilter.MayMatchString(reader.ValueSpan);
                        var replacement = fieldKind is not null || candidate || (base64Member && profile.Base64 != Base64Mode.Ignore)
                            ? MaskString(ref reader, ref chars, profile, labels, base64Member, fieldKind, candidate)
                            : null;
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

    /// <summary>Masks one piece of text with the profile's detectors; null when nothing matched.</summary>
    public static string? MaskText(ReadOnlySpan<char> text, MaskProfile profile, MaskLabels labels)
    {
        List<SecretMatch>? matches = null;
        foreach (var detector in profile.Detectors)
        {
            detector.Find(text, ref matches);
        }

        return matches is null ? null : Apply(text, matches, profile, labels);
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
    private static string? MaskString(ref Utf8JsonReader reader, ref char[]? chars, MaskProfile profile, MaskLabels labels, bool base64Member, string? fieldKind, bool candidate)
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
            return Replacement(fieldKind, text.ToString(), profile, labels);
        }

        // A data or blob value that is base64: decoded and scanned, or replaced whole. Either way (and with ignore) it is
        // also scanned as it stands, because a short secret such as a key id is itself valid base64.
        if (base64Member && profile.Base64 == Base64Mode.Replace && text.Length >= MinBase64Length && Base64.IsValid(text))
        {
            return labels.Label("base64", text.ToString());
        }

        if (base64Member && profile.Base64 == Base64Mode.Scan && text.Length >= MinBase64Length && Base64.IsValid(text, out var decodedLength)
            && MaskBase64(text, decodedLength, profile, labels) is { } masked)
        {
            return masked;
        }

        return candidate ? MaskText(text, profile, labels) : null;
    }

    private static string? MaskBase64(ReadOnlySpan<char> text, int decodedLength, MaskProfile profile, MaskLabels labels)
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
            var masked = MaskText(decodedChars.AsSpan(0, count), profile, labels);
            return masked is null ? null : Convert.ToBase64String(Encoding.UTF8.GetBytes(masked));
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

    private static string Apply(ReadOnlySpan<char> text, List<SecretMatch> matches, MaskProfile profile, MaskLabels labels)
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
            result.Append(Replacement(match.Kind, text.Slice(match.Start, match.Length).ToString(), profile, labels));
            position = match.Start + match.Length;
        }

        result.Append(text[position..]);
        return result.ToString();
    }

    private static string Replacement(string kind, string value, MaskProfile profile, MaskLabels labels) =>
        profile.Partial.Contains(kind) ? MaskLabels.Partial(value) : labels.Label(kind, value);

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
