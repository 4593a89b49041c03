using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;
using McpGateway.Inspectors.Masking.Detectors;

namespace McpGateway.Inspectors.Masking;

/// <summary>
/// Decides from the raw UTF-8 bytes whether a frame, or one string of it, could hold anything the profile masks, so that
/// the common message with nothing to mask costs a few vectorized passes instead of a JSON pass and every regex. It only
/// ever answers "maybe" for more text than the detectors match, never less: the bytes may hold a detector's anchor
/// (compared ignoring case: bytes and anchors are both folded by setting bit 0x20, which maps each capital onto its small
/// letter and never two letters onto one; also where a slash is written <c>\/</c>), a digit shape (cards, SSNs, IBANs), a
/// character detectors read as an ASCII digit or letter (full-width forms, digits of other scripts), a field rule's
/// member name or a base64 <c>data</c>/<c>blob</c> member, or a <c>\uXXXX</c> escape of a character any of those
/// contain. A profile with a detector whose matches it cannot describe (a custom regex, IP addresses) gets
/// <see cref="Disabled"/>, which answers "maybe" to everything. The vector loops are compiled fully optimized at their
/// first call: a tier-0 pass over a large frame, right after start, could cost more than the masking budget.
/// </summary>
internal sealed partial class MaskPrefilter
{
    /// <summary>The pre-filter of a profile it cannot describe: every frame and string is scanned in full.</summary>
    public static readonly MaskPrefilter Disabled = new(null, null, PrefilterShapes.None, [], allEscapes: true, 0, null, null);

    private const int MaxAnchorLength = 64;
    private const int ChunkBytes = 2048;
    private const int VectorLookahead = 16;
    private const int LongestShape = 26;
    private const int EscapeLength = 6;

    private readonly SearchValues<string>? _stringAnchors;
    private readonly SearchValues<string>? _frameAnchors;
    private readonly PrefilterShapes _shapes;
    private readonly bool[] _escapeMatters;
    private readonly bool _allEscapes;
    private readonly int _anchorOverlap;
    private readonly ByteSieve? _stringSieve;
    private readonly ByteSieve? _frameSieve;

    private MaskPrefilter(SearchValues<string>? stringAnchors, SearchValues<string>? frameAnchors, PrefilterShapes shapes, bool[] escapeMatters, bool allEscapes, int longestAnchor, ByteSieve? stringSieve, ByteSieve? frameSieve)
    {
        _stringSieve = stringSieve;
        _frameSieve = frameSieve;
        _stringAnchors = stringAnchors;
        _frameAnchors = frameAnchors;
        _shapes = shapes;
        _escapeMatters = escapeMatters;
        _allEscapes = allEscapes;
        _anchorOverlap = Math.Max(longestAnchor - 1, 0);
        Window = Math.Max(Math.Max(longestAnchor, LongestShape), EscapeLength);
        IsEnabled = stringAnchors is not null || frameAnchors is not null || shapes != PrefilterShapes.None;
    }

    /// <summary>False for <see cref="Disabled"/>: every frame and every string is a candidate.</summary>
    public bool IsEnabled { get; }

    /// <summary>Whether the bytes go through the <see cref="ByteSieve"/> first (a profile with digit shapes on a machine with AVX-512 VBMI).</summary>
    public bool HasSieve => _frameSieve is not null;

    /// <summary>The longest run of bytes one piece of evidence spans; windows of this size are checked across segment boundaries.</summary>
    public int Window { get; }

    /// <summary>
    /// The pre-filter for a profile: the anchors and shapes of its detectors, its field rules' member names and, unless
    /// base64 is ignored, the <c>data</c> and <c>blob</c> members. Disabled when any of those cannot be described.
    /// </summary>
    /// <param name="sieve">False for the exact passes alone, without the <see cref="ByteSieve"/> in front (tests compare the two).</param>
    public static MaskPrefilter Create(IEnumerable<SecretDetector> detectors, IEnumerable<FieldRule> fields, Base64Mode base64, bool sieve = true)
    {
        var content = new List<string>();
        var shapes = PrefilterShapes.None;
        foreach (var detector in detectors)
        {
            if (detector.Hint is not { } hint)
            {
                return Disabled;
            }

            content.AddRange(hint.Anchors);
            shapes |= hint.Shapes;
        }

        // A field rule's last member name, as the raw bytes spell it between quotes (an escaped name meets the escape rule).
        var members = new List<string>();
        foreach (var rule in fields)
        {
            var name = Array.FindLast(rule.Segments, IsUsableMemberName);
            if (name is null)
            {
                return Disabled;
            }

            members.Add(name);
        }

        if (base64 != Base64Mode.Ignore)
        {
            members.Add("data");
            members.Add("blob");
        }

        var contentVariants = content.SelectMany(SlashVariants).Select(Fold).Distinct(StringComparer.Ordinal).ToArray();
        var frameVariants = contentVariants
            .Concat(members.Select(name => Latin1Of($"\"{name}\"")).SelectMany(SlashVariants).Select(Fold))
            .Distinct(StringComparer.Ordinal).ToArray();
        var escapeMatters = new bool[128];
        for (var c = 0; c < 128; c++)
        {
            escapeMatters[c] = char.IsAsciiLetterOrDigit((char)c);
        }

        foreach (var c in string.Concat(content.Concat(members)).Where(c => c < 128))
        {
            escapeMatters[c] = true;
        }

        foreach (var (shape, characters) in new[] { (PrefilterShapes.CardDigits | PrefilterShapes.Ssn | PrefilterShapes.Iban, " -"), (PrefilterShapes.At, "@"), (PrefilterShapes.Plus, "+") })
        {
            if ((shapes & shape) != 0)
            {
                foreach (var c in characters)
                {
                    escapeMatters[c] = true;
                }
            }
        }

        var allEscapes = content.Concat(members).Any(a => a.Any(c => c >= 128));
        return new MaskPrefilter(
            contentVariants.Length == 0 ? null : SearchValues.Create(contentVariants, StringComparison.Ordinal),
            frameVariants.Length == 0 ? null : SearchValues.Create(frameVariants, StringComparison.Ordinal),
            shapes,
            escapeMatters,
            allEscapes,
            frameVariants.Length == 0 ? 0 : frameVariants.Max(a => a.Length),
            sieve ? ByteSieve.Create(shapes, contentVariants) : null,
            sieve ? ByteSieve.Create(shapes, frameVariants) : null);
    }

    /// <summary>Whether the frame may hold something to mask: anywhere in its bytes, also across segment boundaries.</summary>
    public bool MayMatchFrame(in ReadOnlySequence<byte> frame)
    {
        if (!IsEnabled)
        {
            return true;
        }

        if (frame.IsSingleSegment)
        {
            return MayMatchFrame(frame.FirstSpan);
        }

        // Each segment by itself, then each boundary: the last Window - 1 bytes before it (possibly from several short
        // segments) with the first Window - 1 after it. No piece of evidence is longer than Window, so each one lies
        // whole in a segment or in a boundary's seam, and a check that runs out of bytes may answer no.
        var reach = Window - 1;
        Span<byte> seam = stackalloc byte[2 * reach];
        Span<char> chars = stackalloc char[(int)Math.Min(frame.Length, ChunkBytes)];
        var carried = 0;
        foreach (var memory in frame)
        {
            var segment = memory.Span;
            if (segment.IsEmpty)
            {
                continue;
            }

            if (MayMatch(segment, _frameAnchors, _frameSieve, chars))
            {
                return true;
            }

            var head = Math.Min(reach, segment.Length);
            if (carried > 0)
            {
                segment[..head].CopyTo(seam[carried..]);
                if (MayMatch(seam[..(carried + head)], _frameAnchors, _frameSieve, chars))
                {
                    return true;
                }
            }

            // Carry the last reach bytes of everything seen so far.
            if (segment.Length >= reach)
            {
                segment[^reach..].CopyTo(seam);
                carried = reach;
            }
            else
            {
                var keep = Math.Min(carried, reach - segment.Length);
                seam.Slice(carried - keep, keep).CopyTo(seam);
                segment.CopyTo(seam[keep..]);
                carried = keep + segment.Length;
            }
        }

        return false;
    }

    /// <summary>Whether the frame may hold something to mask anywhere in its bytes.</summary>
    public bool MayMatchFrame(ReadOnlySpan<byte> frame) =>
        !IsEnabled || MayMatch(frame, _frameAnchors, _frameSieve, stackalloc char[_frameAnchors is null ? 0 : Math.Min(frame.Length, ChunkBytes)]);

    /// <summary>Whether one string (its raw bytes between the quotes, escapes as they are) may hold something a detector matches.</summary>
    public bool MayMatchString(ReadOnlySpan<byte> raw) =>
        !IsEnabled || MayMatch(raw, _stringAnchors, _stringSieve, stackalloc char[_stringAnchors is null ? 0 : Math.Min(raw.Length, ChunkBytes)]);

    /// <param name="chars">Room to widen the bytes into for the anchor search, up to <see cref="ChunkBytes"/> at a time.</param>
    /// <param name="sieve">Where the machine and profile allow it, one pass that runs the exact checks only where evidence may start.</param>
    /// <remarks>With digit shapes the escapes are found in the shape pass's windows (one pass over the bytes, not two).</remarks>
    private bool MayMatch(ReadOnlySpan<byte> bytes, SearchValues<string>? anchors, ByteSieve? sieve, Span<char> chars) =>
        sieve is not null
            ? SieveMayMatch(bytes, sieve, anchors, chars)
            : (_shapes != PrefilterShapes.None
                ? HasShapeOrEscape(bytes)
                : HasRelevantEscape(bytes) || (anchors is not null && bytes.IndexOfAnyInRange((byte)0x80, (byte)0xFF) >= 0 && HasFoldable(bytes)))
              || (anchors is not null && HasAnchor(bytes, anchors, chars));

    /// <summary>Anchors on the bytes folded and widened one to one into chars, chunk by chunk (anchors are folded the same way).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool HasAnchor(ReadOnlySpan<byte> bytes, SearchValues<string> anchors, Span<char> chars)
    {
        chars = chars[..Math.Min(chars.Length, bytes.Length)];
        var start = 0;
        while (true)
        {
            var count = Math.Min(chars.Length, bytes.Length - start);
            FoldWiden(bytes.Slice(start, count), chars);
            if (chars[..count].IndexOfAny(anchors) >= 0)
            {
                return true;
            }

            if (start + count >= bytes.Length)
            {
                return false;
            }

            start += count - _anchorOverlap;
        }
    }

    /// <summary>
    /// The digit shapes and the relevant <c>\uXXXX</c> escapes, on 64-byte windows that advance by 48, so that a shape
    /// of up to 16 bytes (or an escape of 6) starting in the first 48 lies wholly in its window. Per window: bit masks of
    /// digits, capitals, spaces, hyphens, backslashes and <c>u</c>, then shifts and ands.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool HasShapeOrEscape(ReadOnlySpan<byte> bytes)
    {
        const int Step = 64 - VectorLookahead;
        var at = 0;
        for (; at + 64 <= bytes.Length; at += Step)
        {
            if (ShapeIn(bytes, at, bytes.Slice(at, 64), (1UL << Step) - 1))
            {
                return true;
            }
        }

        if (at >= bytes.Length)
        {
            return false;
        }

        // The tail, padded with zeros (which are none of the classes).
        Span<byte> tail = stackalloc byte[64];
        tail.Clear();
        bytes[at..].CopyTo(tail);
        return ShapeIn(bytes, at, tail, ulong.MaxValue);
    }

    /// <summary>Shapes starting at the window's positions in <paramref name="starts"/>; the window begins at <paramref name="at"/> in <paramref name="bytes"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool ShapeIn(ReadOnlySpan<byte> bytes, int at, ReadOnlySpan<byte> window, ulong starts)
    {
        var classes = Classify(window);
        var digits = classes.Digits;
        var upper = classes.Upper;
        var space = classes.Space;
        var hyphen = classes.Hyphen;
        for (var escapes = classes.Backslash & (classes.U >> 1) & starts; escapes != 0; escapes &= escapes - 1)
        {
            if (RelevantEscapeAt(bytes, at + BitOperations.TrailingZeroCount(escapes)))
            {
                return true;
            }
        }

        // SSNs never start right after a digit or a hyphen, cards never after a digit, IBANs never after a digit or a
        // capital (the detectors' lookbehinds say more; the first byte of a window may start anything).
        var afterDigitOrHyphen = (digits | hyphen) << 1;
        var found = 0UL;
        if ((_shapes & PrefilterShapes.Ssn) != 0)
        {
            found |= ~afterDigitOrHyphen & digits & (digits >> 1) & (digits >> 2) & (hyphen >> 3) & (digits >> 4) & (digits >> 5) & (hyphen >> 6)
                & (digits >> 7) & (digits >> 8) & (digits >> 9) & (digits >> 10);
        }

        if ((_shapes & (PrefilterShapes.At | PrefilterShapes.Plus)) != 0)
        {
            found |= classes.Special;
        }

        if ((found & starts) != 0)
        {
            return true;
        }

        for (var others = classes.High & starts; others != 0; others &= others - 1)
        {
            if (FoldableAt(bytes, at + BitOperations.TrailingZeroCount(others)))
            {
                return true;
            }
        }

        if ((_shapes & PrefilterShapes.CardDigits) != 0)
        {
            // A chain: digits, and spaces or hyphens with a digit on each side; where 13 links follow an issuer digit,
            // the chain's digits get the card checks.
            var chain = digits | ((space | hyphen) & (digits << 1) & (digits >> 1));
            var run2 = chain & (chain >> 1);
            var run4 = run2 & (run2 >> 2);
            var run8 = run4 & (run4 >> 4);
            var run13 = run8 & (run8 >> 5);
            // A card may follow a hyphen here: the minus sign of a JSON number (the detector then reads its digits).
            for (var cards = run13 & ~(digits << 1) & starts; cards != 0; cards &= cards - 1)
            {
                var start = at + BitOperations.TrailingZeroCount(cards);
                if (((uint)(bytes[start] - '2') < 5 && CardDigitsAt(bytes, start)) || FloatSpellingAt(bytes, start))
                {
                    return true;
                }
            }
        }

        if ((_shapes & PrefilterShapes.Iban) != 0)
        {
            for (var ibans = ~((digits | upper) << 1) & upper & (upper >> 1) & (digits >> 2) & (digits >> 3) & starts; ibans != 0; ibans &= ibans - 1)
            {
                if (IbanBodyAt(bytes, at + BitOperations.TrailingZeroCount(ibans)))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// Digits, capitals, spaces, hyphens, the at and plus signs the profile wants, bytes above 0x7F, backslashes and
    /// <c>u</c>, as 64-bit masks (bit i is byte i): with AVX-512 one vector per class, with AVX2 two, else four 128-bit vectors.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private ByteClasses Classify(ReadOnlySpan<byte> window)
    {
        var at = (_shapes & PrefilterShapes.At) != 0;
        var plus = (_shapes & PrefilterShapes.Plus) != 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var v = Vector512.Create(window);
            return new ByteClasses(
                Vector512.LessThan(v - Vector512.Create((byte)'0'), Vector512.Create((byte)10)).ExtractMostSignificantBits(),
                Vector512.LessThan(v - Vector512.Create((byte)'A'), Vector512.Create((byte)26)).ExtractMostSignificantBits(),
                Vector512.Equals(v, Vector512.Create((byte)' ')).ExtractMostSignificantBits(),
                Vector512.Equals(v, Vector512.Create((byte)'-')).ExtractMostSignificantBits(),
                (at ? Vector512.Equals(v, Vector512.Create((byte)'@')).ExtractMostSignificantBits() : 0)
                    | (plus ? Vector512.Equals(v, Vector512.Create((byte)'+')).ExtractMostSignificantBits() : 0),
                v.ExtractMostSignificantBits(),
                Vector512.Equals(v, Vector512.Create((byte)'\\')).ExtractMostSignificantBits(),
                Vector512.Equals(v, Vector512.Create((byte)'u')).ExtractMostSignificantBits());
        }

        var classes = default(ByteClasses);
        if (Vector256.IsHardwareAccelerated)
        {
            for (var part = 0; part < 2; part++)
            {
                var v = Vector256.Create(window.Slice(part * 32, 32));
                var shift = part * 32;
                classes = new ByteClasses(
                    classes.Digits | ((ulong)Vector256.LessThan(v - Vector256.Create((byte)'0'), Vector256.Create((byte)10)).ExtractMostSignificantBits() << shift),
                    classes.Upper | ((ulong)Vector256.LessThan(v - Vector256.Create((byte)'A'), Vector256.Create((byte)26)).ExtractMostSignificantBits() << shift),
                    classes.Space | ((ulong)Vector256.Equals(v, Vector256.Create((byte)' ')).ExtractMostSignificantBits() << shift),
                    classes.Hyphen | ((ulong)Vector256.Equals(v, Vector256.Create((byte)'-')).ExtractMostSignificantBits() << shift),
                    classes.Special | ((ulong)((at ? Vector256.Equals(v, Vector256.Create((byte)'@')).ExtractMostSignificantBits() : 0)
                        | (plus ? Vector256.Equals(v, Vector256.Create((byte)'+')).ExtractMostSignificantBits() : 0)) << shift),
                    classes.High | ((ulong)v.ExtractMostSignificantBits() << shift),
                    classes.Backslash | ((ulong)Vector256.Equals(v, Vector256.Create((byte)'\\')).ExtractMostSignificantBits() << shift),
                    classes.U | ((ulong)Vector256.Equals(v, Vector256.Create((byte)'u')).ExtractMostSignificantBits() << shift));
            }

            return classes;
        }

        for (var part = 0; part < 4; part++)
        {
            var v = Vector128.Create(window.Slice(part * 16, 16));
            var shift = part * 16;
            classes = new ByteClasses(
                classes.Digits | ((ulong)Vector128.LessThan(v - Vector128.Create((byte)'0'), Vector128.Create((byte)10)).ExtractMostSignificantBits() << shift),
                classes.Upper | ((ulong)Vector128.LessThan(v - Vector128.Create((byte)'A'), Vector128.Create((byte)26)).ExtractMostSignificantBits() << shift),
                classes.Space | ((ulong)Vector128.Equals(v, Vector128.Create((byte)' ')).ExtractMostSignificantBits() << shift),
                classes.Hyphen | ((ulong)Vector128.Equals(v, Vector128.Create((byte)'-')).ExtractMostSignificantBits() << shift),
                classes.Special | ((ulong)((at ? Vector128.Equals(v, Vector128.Create((byte)'@')).ExtractMostSignificantBits() : 0)
                    | (plus ? Vector128.Equals(v, Vector128.Create((byte)'+')).ExtractMostSignificantBits() : 0)) << shift),
                classes.High | ((ulong)v.ExtractMostSignificantBits() << shift),
                classes.Backslash | ((ulong)Vector128.Equals(v, Vector128.Create((byte)'\\')).ExtractMostSignificantBits() << shift),
                classes.U | ((ulong)Vector128.Equals(v, Vector128.Create((byte)'u')).ExtractMostSignificantBits() << shift));
        }

        return classes;
    }

    /// <summary>A member name the raw bytes spell the same way every serializer writes it (no escapes needed), or null for wildcards.</summary>
    private static bool IsUsableMemberName(string segment) =>
        segment is not FieldRule.AnyMember and not FieldRule.AnyElement && !segment.Any(c => c < 0x20 || c is '"' or '\\');

    /// <summary>The anchor as it can appear in raw JSON, where a slash may be written <c>\/</c>: every spelling of its first slashes.</summary>
    private static IEnumerable<string> SlashVariants(string anchor)
    {
        anchor = anchor.Length > MaxAnchorLength ? anchor[..MaxAnchorLength] : anchor;
        var slashes = anchor.Count(c => c == '/');
        if (slashes > 3)
        {
            // Cut before the fourth slash: a shorter anchor still appears wherever the whole one does.
            var cut = -1;
            for (var i = 0; i < 4; i++)
            {
                cut = anchor.IndexOf('/', cut + 1);
            }

            anchor = anchor[..cut];
            slashes = 3;
        }

        IEnumerable<string> variants = [string.Empty];
        foreach (var part in anchor.Split('/').Select((text, index) => (text, index)))
        {
            variants = part.index == 0
                ? variants.Select(v => v + part.text)
                : variants.SelectMany(v => new[] { v + "/" + part.text, v + "\\/" + part.text });
        }

        return variants.ToList();
    }

    /// <summary>An anchor folded as <see cref="FoldWiden"/> folds the bytes.</summary>
    private static string Fold(string anchor) => string.Create(anchor.Length, anchor, static (span, text) =>
    {
        for (var i = 0; i < text.Length; i++)
        {
            span[i] = (char)(text[i] | 0x20);
        }
    });

    /// <summary>A string's UTF-8 bytes widened one to one, as <see cref="HasAnchor"/> widens the frame.</summary>
    private static string Latin1Of(string text) => Encoding.Latin1.GetString(Encoding.UTF8.GetBytes(text));

    /// <summary>One 64-byte window's classes of bytes, as bit masks; <c>High</c> is every byte above 0x7F, <c>U</c> every small u.</summary>
    private readonly record struct ByteClasses(ulong Digits, ulong Upper, ulong Space, ulong Hyphen, ulong Special, ulong High, ulong Backslash, ulong U);

}
