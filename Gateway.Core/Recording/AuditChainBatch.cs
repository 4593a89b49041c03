using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace McpGateway.Core.Recording;

/// <summary>
/// Records on their way to <see cref="AuditChainVerifier"/>, a few thousand at a time: each row's sequence, time,
/// stored <c>prev_hash</c> and <c>hash</c>, and its leaf bytes (<c>0x00 || leaf</c>, current format) as the reader
/// wrote them. <see cref="HashAll"/> does the per-record work (leaf hash, and whether the stored hash links it) on every
/// core; only the rows whose hash does not hold in the current format (a store written before the tree, or a tampered
/// row) are decoded back into records for the slower checks.
/// </summary>
internal sealed class AuditChainBatch
{
    public const int Capacity = 4096;

    private const int Hash = AuditHashChain.HashSize;

    private readonly long[] _sequence = new long[Capacity];
    private readonly long[] _time = new long[Capacity];
    private readonly (int Offset, int Length)[] _leaf = new (int, int)[Capacity];
    private readonly byte[] _hashes = new byte[Capacity * 3 * Hash];
    private readonly bool[] _holds = new bool[Capacity];
    private readonly StoredAuditRecord?[] _records = new StoredAuditRecord?[Capacity];
    private bool _hashed;

    public ArrayBufferWriter<byte> Leaves { get; } = new(Capacity * 512);

    public int Count { get; private set; }

    public bool IsFull => Count == Capacity;

    public void Clear()
    {
        Array.Clear(_records, 0, Count);
        Count = 0;
        _hashed = false;
        Leaves.ResetWrittenCount();
    }

    /// <summary>Starts a row: the caller then writes its <c>0x00 || leaf</c> to <see cref="Leaves"/> and calls <see cref="EndRow"/>.</summary>
    public void BeginRow(long sequence, long timeMicros, ReadOnlySpan<byte> prevHash, ReadOnlySpan<byte> hash)
    {
        _sequence[Count] = sequence;
        _time[Count] = timeMicros;
        Fixed(prevHash).CopyTo(PrevHash(Count));
        Fixed(hash).CopyTo(StoredHash(Count));
        _leaf[Count] = (Leaves.WrittenCount, 0);
    }

    public void EndRow(StoredAuditRecord? record = null)
    {
        _leaf[Count].Length = Leaves.WrittenCount - _leaf[Count].Offset;
        _records[Count] = record;
        Count++;
        _hashed = false;
    }

    /// <summary>Adds a record read by the general path (any store).</summary>
    public void Add(StoredAuditRecord stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        BeginRow(stored.Sequence, stored.Record.TimeMicros, stored.PrevHash, stored.Hash);
        AuditHashChain.WriteLeaf(Leaves, stored.Record, default);
        EndRow(stored);
    }

    /// <summary>Hashes every row's leaf and checks its link, on every core (nothing left to do after <see cref="HashHere"/>).</summary>
    public void HashAll()
    {
        var count = Count;
        if (_hashed)
        {
            return;
        }

        if (count < 256)
        {
            HashRange(0, count);
        }
        else
        {
            var chunk = (count + Environment.ProcessorCount - 1) / Environment.ProcessorCount;
            Parallel.For(0, (count + chunk - 1) / chunk, part => HashRange(part * chunk, Math.Min(count, (part + 1) * chunk)));
        }

        _hashed = true;
    }

    /// <summary>As <see cref="HashAll"/>, on the calling thread alone: for a reader that already fills batches on every core.</summary>
    public void HashHere()
    {
        HashRange(0, Count);
        _hashed = true;
    }

    /// <summary>One hasher per thread: a one-shot hash makes OpenSSL set up and free a context each time, which costs more than hashing a record.</summary>
    [ThreadStatic]
    private static AuditSha256? t_sha;

    private void HashRange(int from, int to)
    {
        var sha = t_sha ??= new AuditSha256();
        var leaves = Leaves.WrittenSpan;
        Span<byte> link = stackalloc byte[Hash + sizeof(long) + Hash];
        Span<byte> hash = stackalloc byte[Hash];
        for (var i = from; i < to; i++)
        {
            var (offset, length) = _leaf[i];
            var leaf = Leaf(i);
            sha.Hash(leaves.Slice(offset, length), leaf);
            PrevHash(i).CopyTo(link);
            BinaryPrimitives.WriteInt64BigEndian(link[Hash..], _sequence[i]);
            leaf.CopyTo(link[(Hash + sizeof(long))..]);
            sha.Hash(link, hash);
            _holds[i] = hash.SequenceEqual(StoredHash(i));
        }
    }

    public long Sequence(int row) => _sequence[row];

    public long TimeMicros(int row) => _time[row];

    /// <summary>Whether the row's stored hash links its current-format leaf after its <c>prev_hash</c> at its sequence.</summary>
    public bool Holds(int row) => _holds[row];

    public Span<byte> PrevHash(int row) => _hashes.AsSpan(row * 3 * Hash, Hash);

    public Span<byte> StoredHash(int row) => _hashes.AsSpan((row * 3 * Hash) + Hash, Hash);

    /// <summary>The row's current-format leaf hash (after <see cref="HashAll"/>).</summary>
    public Span<byte> Leaf(int row) => _hashes.AsSpan((row * 3 * Hash) + (2 * Hash), Hash);

    /// <summary>The row as a record: the one it was read as, or decoded from its leaf bytes.</summary>
    public StoredAuditRecord Record(int row)
    {
        if (_records[row] is { } record)
        {
            return record;
        }

        var (offset, length) = _leaf[row];
        var decoded = AuditLeafCodec.Decode(Leaves.WrittenSpan.Slice(offset + 1, length - 1));
        return _records[row] = new StoredAuditRecord(_sequence[row], decoded, PrevHash(row).ToArray(), StoredHash(row).ToArray());
    }

    /// <summary>A stored hash of the wrong length still takes its row (it will not verify): padded or cut to 32 bytes.</summary>
    private static ReadOnlySpan<byte> Fixed(ReadOnlySpan<byte> hash) =>
        hash.Length == Hash ? hash : Pad(hash);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static byte[] Pad(ReadOnlySpan<byte> hash)
    {
        var padded = new byte[Hash];
        hash[..Math.Min(Hash, hash.Length)].CopyTo(padded);
        if (hash.Length != Hash)
        {
            // A wrong length must never compare equal to a real hash: mark it.
            padded[0] ^= 0xA5;
            padded[^1] ^= (byte)hash.Length;
        }

        return padded;
    }
}
