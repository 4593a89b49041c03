using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using McpGateway.Inspectors.Masking.Detectors;

namespace McpGateway.Inspectors.Masking;

/// <summary>
/// Lookup tables that let <see cref="MaskPrefilter"/> look at 64 bytes at a time for every kind of evidence at once: for
/// each of three consecutive bytes one 128-entry table (one AVX-512 VBMI byte permute each) gives a byte of condition
/// bits, and a bit that survives the and of the three means that evidence may start there. Bits 0 to 6 are conditions:
/// a <c>\u</c>, an IBAN's two capitals and a digit, an at or plus sign, and the anchors' first three bytes, bucketed; bit
/// 7 of the first table marks digits, spaces and hyphens, whose runs of 11 every card and SSN contains. A table entry is
/// indexed by the byte's low seven bits and holds every condition any byte of that index could meet, so that the sieve
/// only ever answers "look here" for more positions than the exact checks, never fewer.
/// </summary>
internal sealed class ByteSieve
{
    private const int ConditionBits = 7;
    private const byte RunBit = 0x80;

    private ByteSieve(byte[][] tables, byte shapeBits, byte anchorBits, bool runs)
    {
        Lower0 = Vector512.Create(tables[0].AsSpan(0, 64));
        Upper0 = Vector512.Create(tables[0].AsSpan(64, 64));
        Lower1 = Vector512.Create(tables[1].AsSpan(0, 64));
        Upper1 = Vector512.Create(tables[1].AsSpan(64, 64));
        Lower2 = Vector512.Create(tables[2].AsSpan(0, 64));
        Upper2 = Vector512.Create(tables[2].AsSpan(64, 64));
        ShapeBits = shapeBits;
        AnchorBits = anchorBits;
        Runs = runs;
    }

    public Vector512<byte> Lower0 { get; }

    public Vector512<byte> Upper0 { get; }

    public Vector512<byte> Lower1 { get; }

    public Vector512<byte> Upper1 { get; }

    public Vector512<byte> Lower2 { get; }

    public Vector512<byte> Upper2 { get; }

    /// <summary>The condition bits of escapes and shapes.</summary>
    public byte ShapeBits { get; }

    /// <summary>The condition bits of anchors.</summary>
    public byte AnchorBits { get; }

    /// <summary>Whether bit 7 of the first table marks digits, spaces and hyphens (the profile looks for cards or SSNs).</summary>
    public bool Runs { get; }

    /// <summary>
    /// The tables for a pre-filter with digit shapes and these anchors (folded as the pre-filter folds them), or null
    /// where the machine has no AVX-512 VBMI or the profile has no shapes (those keep the pre-filter's other passes).
    /// </summary>
    public static ByteSieve? Create(PrefilterShapes shapes, IReadOnlyCollection<string> foldedAnchors)
    {
        if (!Avx512Vbmi.IsSupported || !Vector512.IsHardwareAccelerated || shapes == PrefilterShapes.None || foldedAnchors.Any(a => a.Length == 0))
        {
            return null;
        }

        var any = Enumerable.Range(0, 256).Select(b => (byte)b).ToArray();
        var conditions = new List<byte[][]>
        {
            new[] { "\\"u8.ToArray(), "u"u8.ToArray(), any },
        };
        if ((shapes & PrefilterShapes.Iban) != 0)
        {
            conditions.Add([Range('A', 'Z'), Range('A', 'Z'), Range('0', '9')]);
        }

        var special = ((shapes & PrefilterShapes.At) != 0 ? "@" : string.Empty) + ((shapes & PrefilterShapes.Plus) != 0 ? "+" : string.Empty);
        if (special.Length > 0)
        {
            conditions.Add([special.Select(c => (byte)c).ToArray(), any, any]);
        }

        var shapeCount = conditions.Count;
        var anchorGroups = foldedAnchors
            .GroupBy(a => a[0])
            .Select(g => new[] { Union(g.Select(a => Preimage(a, 0))), Union(g.Select(a => Preimage(a, 1))), Union(g.Select(a => Preimage(a, 2))) })
            .ToList();
        while (anchorGroups.Count > ConditionBits - shapeCount)
        {
            // Merge the two narrowest groups: their union admits the fewest extra byte triples.
            anchorGroups.Sort((x, y) => Width(x).CompareTo(Width(y)));
            anchorGroups[0] = [Union([anchorGroups[0][0], anchorGroups[1][0]]), Union([anchorGroups[0][1], anchorGroups[1][1]]), Union([anchorGroups[0][2], anchorGroups[1][2]])];
            anchorGroups.RemoveAt(1);
        }

        conditions.AddRange(anchorGroups);
        var tables = new[] { new byte[128], new byte[128], new byte[128] };
        for (var bit = 0; bit < conditions.Count; bit++)
        {
            for (var position = 0; position < 3; position++)
            {
                foreach (var b in conditions[bit][position])
                {
                    tables[position][b & 0x7F] |= (byte)(1 << bit);
                }
            }
        }

        var runs = (shapes & (PrefilterShapes.CardDigits | PrefilterShapes.Ssn)) != 0;
        if (runs)
        {
            foreach (var b in Range('0', '9').Append((byte)' ').Append((byte)'-'))
            {
                tables[0][b & 0x7F] |= RunBit;
            }
        }

        var shapeBits = (byte)((1 << shapeCount) - 1);
        var anchorBits = (byte)(((1 << conditions.Count) - 1) & ~shapeBits);
        return new ByteSieve(tables, shapeBits, anchorBits, runs);
    }

    private static byte[] Range(char first, char last) => Enumerable.Range(first, last - first + 1).Select(c => (byte)c).ToArray();

    /// <summary>Every raw byte that folds (sets bit 0x20) to the anchor's character at <paramref name="index"/>; any byte past its end or for a character no byte folds to.</summary>
    private static byte[] Preimage(string anchor, int index) =>
        index < anchor.Length && anchor[index] <= 0xFF
            ? Enumerable.Range(0, 256).Where(b => (b | 0x20) == anchor[index]).Select(b => (byte)b).ToArray()
            : Enumerable.Range(0, 256).Select(b => (byte)b).ToArray();

    private static byte[] Union(IEnumerable<byte[]> sets) => sets.SelectMany(s => s).Distinct().ToArray();

    private static long Width(byte[][] condition) => (long)condition[0].Length * condition[1].Length * condition[2].Length;
}
