using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace McpGateway.Core.Framing;

/// <summary>
/// 64-bit keys for JSON member names that are equal for names equal under simple case folding. A folded name of
/// up to seven ASCII characters is its own key (exact); longer names get a hash seeded per process. Two names that
/// fold alike always get the same key; two that do not may, with negligible probability, which only rejects a frame.
/// </summary>
internal static class MemberNameKey
{
    private const int MaxExactLength = 7;
    private const ulong ExactTag = 1UL << 63;
    private const ulong HighBits = 0x8080808080808080;
    private const ulong Multiplier1 = 0x9E3779B97F4A7C15;
    private const ulong Multiplier2 = 0xBF58476D1CE4E5B9;

    private static readonly ulong _seed = NewSeed();

    /// <summary>The key of <c>id</c>, to tell whether a repeated member is some spelling of the id.</summary>
    public static ulong Id { get; } = Of("id"u8);

    /// <summary>The key of an unescaped, valid UTF-8 member name.</summary>
    public static ulong Of(ReadOnlySpan<byte> utf8)
    {
        int length = utf8.Length;
        if (length > MaxExactLength)
        {
            return HashAscii(utf8);
        }

        ulong packed = length switch
        {
            >= 4 => BinaryPrimitives.ReadUInt32LittleEndian(utf8) | ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(utf8[(length - 4)..]) << (8 * (length - 4))),
            3 => utf8[0] | ((ulong)utf8[1] << 8) | ((ulong)utf8[2] << 16),
            2 => utf8[0] | ((ulong)utf8[1] << 8),
            1 => utf8[0],
            _ => 0,
        };

        if ((packed & HighBits) != 0)
        {
            return OfNonAscii(utf8);
        }

        // Sets 0x20 in exactly the bytes 'A'..'Z' (every byte is below 0x80, so no carry crosses bytes).
        packed |= (((packed + 0x3F3F3F3F3F3F3F3F) ^ (packed + 0x2525252525252525)) & HighBits) >> 2;
        return Exact(packed, length);
    }

    /// <summary>
    /// Spreads a key for a hash set shared by several objects: bijective for one ordinal, and seeded, so that
    /// chosen names cannot pile up in one bucket.
    /// </summary>
    public static ulong ForObject(ulong key, int objectOrdinal) =>
        Avalanche((key ^ _seed) + ((ulong)objectOrdinal * Multiplier1));

    // Simple case folding as lower(upper(c)). .NET's invariant casing deliberately leaves three letters alone that
    // other parsers fold to ASCII: long s (Unicode folds it to 's'), and dotless i and dotted capital I (Java's
    // equalsIgnoreCase matches them with 'i'). Folding more can only reject more.
    private static char Fold(char c) => c switch
    {
        < '\u0080' => c is >= 'A' and <= 'Z' ? (char)(c | 0x20) : c,
        '\u017F' => 's',
        '\u0131' or '\u0130' => 'i',
        _ => char.ToLowerInvariant(char.ToUpperInvariant(c)),
    };

    private static ulong Exact(ulong packed, int length) => packed | ((ulong)length << 56) | ExactTag;

    // Names longer than an exact key: UTF-16 units after folding, four per step. ASCII bytes are their units.
    private static ulong HashAscii(ReadOnlySpan<byte> utf8)
    {
        ulong hash = _seed;
        int i = 0;
        for (; i + 4 <= utf8.Length; i += 4)
        {
            uint four = BinaryPrimitives.ReadUInt32LittleEndian(utf8[i..]);
            if ((four & 0x80808080) != 0)
            {
                return OfNonAscii(utf8);
            }

            four |= (((four + 0x3F3F3F3F) ^ (four + 0x25252525)) & 0x80808080) >> 2;
            hash = Mix(hash, (four & 0xFF) | ((ulong)(four & 0xFF00) << 8) | ((ulong)(four & 0xFF0000) << 16) | ((ulong)(four & 0xFF000000) << 24));
        }

        ulong word = 0;
        for (int shift = 0; i < utf8.Length; i++, shift += 16)
        {
            byte b = utf8[i];
            if (b >= 0x80)
            {
                return OfNonAscii(utf8);
            }

            word |= (ulong)Fold((char)b) << shift;
        }

        if (utf8.Length % 4 != 0)
        {
            hash = Mix(hash, word);
        }

        return Finish(hash, utf8.Length);
    }

    // Decodes, folds each UTF-16 unit and keys the result the way the ASCII paths would have keyed it.
    private static ulong OfNonAscii(ReadOnlySpan<byte> utf8)
    {
        var state = new HashState(_seed);
        while (!utf8.IsEmpty)
        {
            Rune.DecodeFromUtf8(utf8, out Rune rune, out int consumed);
            utf8 = utf8[consumed..];
            if (rune.IsBmp)
            {
                state.Add(Fold((char)rune.Value));
            }
            else
            {
                // Surrogates fold to themselves.
                int above = rune.Value - 0x10000;
                state.Add((char)(0xD800 + (above >> 10)));
                state.Add((char)(0xDC00 + (above & 0x3FF)));
            }
        }

        return state.Finish();
    }

    private static ulong Mix(ulong hash, ulong word) =>
        BitOperations.RotateLeft((hash ^ word) * Multiplier1, 31) * Multiplier2;

    private static ulong Finish(ulong hash, int units) => Avalanche(hash ^ (ulong)units);

    // The murmur3 finalizer: a bijection that spreads every input bit over the whole word.
    private static ulong Avalanche(ulong value)
    {
        value ^= value >> 33;
        value *= 0xFF51AFD7ED558CCD;
        value ^= value >> 33;
        value *= 0xC4CEB9FE1A85EC53;
        return value ^ (value >> 33);
    }

    private static ulong NewSeed()
    {
        Span<byte> bytes = stackalloc byte[sizeof(ulong)];
        RandomNumberGenerator.Fill(bytes);
        return BinaryPrimitives.ReadUInt64LittleEndian(bytes);
    }

    // Folded units of a non-ASCII name: hashed like HashAscii, and packed like Of while they fit an exact key.
    private struct HashState(ulong seed)
    {
        private ulong _hash = seed;
        private ulong _word;
        private ulong _packed;
        private int _units;
        private bool _exact = true;

        public void Add(char folded)
        {
            if (_exact && (folded >= 0x80 || _units == MaxExactLength))
            {
                _exact = false;
            }

            _packed |= (ulong)(folded & 0x7F) << (8 * (_units & 7));
            _word |= (ulong)folded << (16 * (_units % 4));
            _units++;
            if (_units % 4 == 0)
            {
                _hash = Mix(_hash, _word);
                _word = 0;
            }
        }

        public readonly ulong Finish()
        {
            if (_exact)
            {
                return Exact(_packed, _units);
            }

            return MemberNameKey.Finish(_units % 4 == 0 ? _hash : Mix(_hash, _word), _units);
        }
    }
}
