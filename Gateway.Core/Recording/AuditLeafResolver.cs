using System.Buffers;

namespace McpGateway.Core.Recording;

/// <summary>
/// Works out a stored record's leaf hash and whether its chain hash holds, in either record format (2, then 1; the
/// format of the record before is tried first, so a store of one format hashes each record once). One instance per
/// reader: it reuses its buffer.
/// </summary>
internal sealed class AuditLeafResolver
{
    private readonly ArrayBufferWriter<byte> _scratch = new(4096);
    private readonly byte[] _leaf = new byte[AuditHashChain.HashSize];
    private readonly byte[] _legacyLeaf = new byte[AuditHashChain.HashSize];
    private bool _legacyFirst;

    /// <summary>
    /// Fills <paramref name="leafHash"/> with the record's leaf hash and returns whether its chain hash holds at its
    /// own sequence. When it holds in neither format, the leaf hash is the current format's.
    /// </summary>
    public bool Resolve(StoredAuditRecord stored, Span<byte> leafHash)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (_legacyFirst && Legacy(stored, stored.Sequence))
        {
            _legacyLeaf.CopyTo(leafHash);
            return true;
        }

        _scratch.ResetWrittenCount();
        AuditHashChain.HashLeaf(_scratch, stored.Record, default, _leaf);
        if (Current(stored, stored.Sequence))
        {
            _legacyFirst = false;
            _leaf.CopyTo(leafHash);
            return true;
        }

        if (!_legacyFirst && Legacy(stored, stored.Sequence))
        {
            _legacyFirst = true;
            _legacyLeaf.CopyTo(leafHash);
            return true;
        }

        _leaf.CopyTo(leafHash);
        return false;
    }

    /// <summary>The record's leaf bytes (without the 0x00 prefix) in the format its chain hash holds in (the current one when neither).</summary>
    public byte[] LeafBytes(StoredAuditRecord stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        _scratch.ResetWrittenCount();
        AuditHashChain.HashLeaf(_scratch, stored.Record, default, _leaf);
        if (Current(stored, stored.Sequence) || !Legacy(stored, stored.Sequence))
        {
            _scratch.ResetWrittenCount();
            AuditHashChain.HashLeaf(_scratch, stored.Record, default, _leaf);
        }

        return _scratch.WrittenSpan[1..].ToArray();
    }

    /// <summary>After <see cref="Resolve"/> of the same record: whether its chain hash holds under <paramref name="sequence"/> instead.</summary>
    public bool HoldsAt(StoredAuditRecord stored, long sequence)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return sequence > 0 && (Current(stored, sequence) || Legacy(stored, sequence));
    }

    private bool Current(StoredAuditRecord stored, long sequence)
    {
        Span<byte> hash = stackalloc byte[AuditHashChain.HashSize];
        AuditHashChain.Link(stored.PrevHash, sequence, _leaf, hash);
        return hash.SequenceEqual(stored.Hash);
    }

    private bool Legacy(StoredAuditRecord stored, long sequence)
    {
        return AuditHashChain.LegacyLeaf(_scratch, stored.PrevHash, sequence, stored.Record, stored.Hash, _legacyLeaf);
    }
}
