using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace McpGateway.Inspectors.Masking;

/// <summary>
/// One pass over the bytes, 64 at a time, that finds where any evidence may start (<see cref="ByteSieve"/>) and runs the
/// exact checks only there: the shape windows that hold such a position, the anchor search on the bytes an anchor starting
/// in the block could span. Its answer is the answer of the shape windows and the anchor search over all the bytes.
/// </summary>
internal sealed partial class MaskPrefilter
{
    /// <summary>Room for the last blocks, up to 65 bytes, padded to two blocks and the two bytes the loads read past them.</summary>
    private const int PaddedBytes = 192;

    /// <summary>A run of 11 digits, spaces and hyphens ending in a block may start this many bytes before it.</summary>
    private const int RunReach = 10;

    private const int ShapeStep = 64 - VectorLookahead;

    /// <summary>
    /// The shape windows and the anchor search of <see cref="MayMatch"/>, run only around the positions the sieve marks.
    /// The blocks are read from the bytes themselves while three loads of 64 fit; the rest from a copy padded with zeros,
    /// whose marks past the end are dropped.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool SieveMayMatch(ReadOnlySpan<byte> bytes, ByteSieve sieve, SearchValues<string>? anchors, Span<char> chars)
    {
        var scan = new SieveScan(LastShapeWindow(bytes.Length));
        var whole = bytes.Length < 66 ? 0 : ((bytes.Length - 66) / 64) + 1;
        if (SieveBlocks(bytes, bytes, 0, whole, sieve, anchors, chars, ref scan))
        {
            return true;
        }

        var at = whole * 64;
        if (at == bytes.Length)
        {
            return false;
        }

        Span<byte> padded = stackalloc byte[PaddedBytes];
        padded.Clear();
        bytes[at..].CopyTo(padded);
        return SieveBlocks(bytes, padded, at, ((bytes.Length - at) + 63) / 64, sieve, anchors, chars, ref scan);
    }

    /// <summary>
    /// Sieves <paramref name="blocks"/> blocks of 64 bytes of <paramref name="source"/> (which holds 2 bytes more), whose
    /// first byte is byte <paramref name="offset"/> of <paramref name="bytes"/>, and runs the exact checks on
    /// <paramref name="bytes"/> where it marks.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool SieveBlocks(ReadOnlySpan<byte> bytes, ReadOnlySpan<byte> source, int offset, int blocks, ByteSieve sieve, SearchValues<string>? anchors, Span<char> chars, ref SieveScan scan)
    {
        var lower0 = sieve.Lower0;
        var upper0 = sieve.Upper0;
        var lower1 = sieve.Lower1;
        var upper1 = sieve.Upper1;
        var lower2 = sieve.Lower2;
        var upper2 = sieve.Upper2;
        var shapeBits = Vector512.Create(sieve.ShapeBits);
        var anchorBits = Vector512.Create(anchors is null ? (byte)0 : sieve.AnchorBits);
        var runs = sieve.Runs;
        var anchorSpan = 64 + _anchorOverlap;
        ref var first = ref MemoryMarshal.GetReference(source);
        var previous = scan.Previous;
        for (var block = 0; block < blocks; block++)
        {
            var index = block * 64;
            var at = offset + index;
            var inside = bytes.Length - at >= 64 ? ulong.MaxValue : (1UL << (bytes.Length - at)) - 1;
            var v0 = Vector512.LoadUnsafe(ref first, (nuint)index);
            var classes = Avx512Vbmi.PermuteVar64x8x2(lower0, v0, upper0);
            var met = classes
                & Avx512Vbmi.PermuteVar64x8x2(lower1, Vector512.LoadUnsafe(ref first, (nuint)index + 1), upper1)
                & Avx512Vbmi.PermuteVar64x8x2(lower2, Vector512.LoadUnsafe(ref first, (nuint)index + 2), upper2);
            var shapes = ~Vector512.Equals(met & shapeBits, Vector512<byte>.Zero).ExtractMostSignificantBits() | v0.ExtractMostSignificantBits();
            if (runs)
            {
                // Runs of 11 that start in the block and end in it; then those that start in the last 10 bytes of the
                // block before and end in this one, on the upper half of that block joined to the lower half of this one.
                var chain = classes.ExtractMostSignificantBits() & inside;
                shapes |= RunsOf11(chain);
                var across = (RunsOf11((previous >> 32) | (chain << 32)) >> 22) & 0x3FF;
                previous = chain;
                if (across != 0 && ShapeWindowsHold(bytes, at - RunReach + BitOperations.TrailingZeroCount(across), at - 1, ref scan))
                {
                    return true;
                }
            }

            shapes &= inside;
            if (shapes != 0
                && ShapeWindowsHold(bytes, at + BitOperations.TrailingZeroCount(shapes), at + 63 - BitOperations.LeadingZeroCount(shapes), ref scan))
            {
                return true;
            }

            if ((~Vector512.Equals(met & anchorBits, Vector512<byte>.Zero).ExtractMostSignificantBits() & inside) != 0
                && HasAnchor(bytes.Slice(at, Math.Min(anchorSpan, bytes.Length - at)), anchors!, chars))
            {
                return true;
            }
        }

        scan.Previous = previous;
        return false;
    }

    /// <summary>Bit i set where bits i to i + 10 are all set.</summary>
    private static ulong RunsOf11(ulong bits)
    {
        var run2 = bits & (bits >> 1);
        var run4 = run2 & (run2 >> 2);
        var run8 = run4 & (run4 >> 4);
        return run8 & (run8 >> 3);
    }

    /// <summary>Whether a shape window holding a start from <paramref name="from"/> to <paramref name="to"/> finds evidence; windows up to <see cref="SieveScan.Verified"/> were already checked.</summary>
    private bool ShapeWindowsHold(ReadOnlySpan<byte> bytes, int from, int to, ref SieveScan scan)
    {
        var last = Math.Min(to / ShapeStep, scan.LastWindow);
        for (var window = Math.Max(Math.Min(from / ShapeStep, scan.LastWindow), scan.Verified + 1); window <= last; window++)
        {
            if (ShapeWindow(bytes, window))
            {
                return true;
            }
        }

        scan.Verified = Math.Max(scan.Verified, last);
        return false;
    }

    /// <summary>
    /// Window <paramref name="window"/> of <see cref="HasShapeOrEscape"/>: 64 bytes from <c>48 × window</c>, starts in
    /// the first 48; the last one is the tail, padded with zeros, starts anywhere in it.
    /// </summary>
    private bool ShapeWindow(ReadOnlySpan<byte> bytes, int window)
    {
        var at = window * ShapeStep;
        if (at + 64 <= bytes.Length)
        {
            return ShapeIn(bytes, at, bytes.Slice(at, 64), (1UL << ShapeStep) - 1);
        }

        if (at >= bytes.Length)
        {
            return false;
        }

        Span<byte> tail = stackalloc byte[64];
        tail.Clear();
        bytes[at..].CopyTo(tail);
        return ShapeIn(bytes, at, tail, ulong.MaxValue);
    }

    /// <summary>The index of <see cref="HasShapeOrEscape"/>'s tail window: the first that does not fit whole.</summary>
    private static int LastShapeWindow(int length) => length < 64 ? 0 : ((length - 64) / ShapeStep) + 1;
}
