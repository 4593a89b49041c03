using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace McpGateway.Core.Recording;

/// <summary>
/// How a record is bound into the log. Each record is a leaf of the log's <see cref="MerkleTree"/>, and the records
/// also form a hash chain, so a record cut, moved or forged between two checkpoints is found and named.
/// <list type="bullet">
/// <item>Format 2 (written now): the leaf is <c>0x02 || fields</c>, its hash <c>SHA-256(0x00 || leaf)</c> (RFC 9162),
/// independent of the record's place, so it can be computed where the record is made, in parallel; the chain links
/// the leaf hashes in order: <c>hash = SHA-256(prev_hash || sequence || leaf_hash)</c>, sequence as 8 bytes big-endian.</item>
/// <item>Format 1 (stores written before the tree): <c>hash = SHA-256(prev_hash || 0x01 || sequence || fields)</c>; as a
/// tree leaf such a record is <c>0x01 || sequence || fields</c>.</item>
/// </list>
/// The chain starts from 32 zero bytes. Fields are written in a fixed order, each as a presence byte and a
/// length-prefixed value, so no two records share an encoding.
/// </summary>
internal static class AuditHashChain
{
    public const int HashSize = 32;

    /// <summary>How many text and bytes values <see cref="WriteLeaf"/> locates: 17 texts, then the payload.</summary>
    internal const int ValueCount = 18;

    private const byte LegacyFormat = 1;

    private const byte LeafFormat = 2;

    /// <summary>The <c>prev_hash</c> of the first record ever written.</summary>
    public static byte[] Genesis => new byte[HashSize];

    /// <summary>The chain hash of <paramref name="record"/> at <paramref name="sequence"/>, in the current format (2).</summary>
    public static byte[] Compute(ReadOnlySpan<byte> prevHash, long sequence, AuditRecord record)
    {
        var hash = new byte[HashSize];
        Link(prevHash, sequence, LeafHash(record), hash);
        return hash;
    }

    /// <summary>The chain hash in format 1, as stores written before the tree hold it.</summary>
    public static byte[] ComputeLegacy(ReadOnlySpan<byte> prevHash, long sequence, AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var buffer = new ArrayBufferWriter<byte>(256 + (record.Payload?.Length ?? 0));
        buffer.Write(prevHash);
        new CanonicalWriter(buffer, default).Record(LegacyFormat, sequence, record);
        return SHA256.HashData(buffer.WrittenSpan);
    }

    /// <summary>The record's leaf hash in the current format: <c>SHA-256(0x00 || 0x02 || fields)</c>.</summary>
    public static byte[] LeafHash(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var buffer = new ArrayBufferWriter<byte>(256 + (record.Payload?.Length ?? 0));
        var hash = new byte[HashSize];
        HashLeaf(buffer, record, default, hash);
        return hash;
    }

    /// <summary>
    /// The per-record work, in one function that any thread may call: writes <c>0x00 || leaf</c> to
    /// <paramref name="output"/> and its SHA-256 (the leaf hash) to <paramref name="leafHash"/>. <paramref name="values"/>
    /// (or empty) hears where each text and bytes value's UTF-8 lies in what was written, so a store binds those slices
    /// and a record is encoded once for its hash and its row (see <see cref="WriteLeaf"/>).
    /// </summary>
    public static void HashLeaf(ArrayBufferWriter<byte> output, AuditRecord record, Span<(int Offset, int Length)> values, Span<byte> leafHash)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(record);
        var start = output.WrittenCount;
        WriteLeaf(output, record, values);
        SHA256.HashData(output.WrittenSpan[start..], leafHash);
    }

    /// <summary>
    /// Writes <c>0x00 || leaf</c> (what the leaf hash covers) and where each text and bytes value's UTF-8 lies in what
    /// was written: texts in column order (session id, subject, client id, groups, token hash, connection, remote
    /// address, protocol version, direction, message kind, rpc id, method, tool, verdict, inspector, reason, payload
    /// SHA-256; the kind is hashed as its number, so it is not among them), then the payload; <c>Offset</c> is -1 for a
    /// null value. <paramref name="values"/> may be empty when the caller only hashes.
    /// </summary>
    internal static void WriteLeaf(IBufferWriter<byte> output, AuditRecord record, Span<(int Offset, int Length)> values)
    {
        var writer = new CanonicalWriter(output, values);
        writer.Raw([0x00]);
        writer.Record(LeafFormat, null, record);
    }

    /// <summary>The link of the chain: <c>SHA-256(prev_hash || sequence || leaf_hash)</c>; what the single writer computes per record.</summary>
    public static void Link(ReadOnlySpan<byte> prevHash, long sequence, ReadOnlySpan<byte> leafHash, Span<byte> hash)
    {
        Span<byte> input = stackalloc byte[HashSize + sizeof(long) + HashSize];
        prevHash.CopyTo(input);
        BinaryPrimitives.WriteInt64BigEndian(input[HashSize..], sequence);
        leafHash.CopyTo(input[(HashSize + sizeof(long))..]);
        SHA256.HashData(input, hash);
    }

    /// <summary>
    /// A format 1 record's leaf hash, <c>SHA-256(0x00 || 0x01 || sequence || fields)</c>, and whether its stored chain
    /// hash is <c>SHA-256(prev_hash || 0x01 || sequence || fields)</c> at <paramref name="sequence"/>.
    /// </summary>
    internal static bool LegacyLeaf(ArrayBufferWriter<byte> scratch, ReadOnlySpan<byte> prevHash, long sequence, AuditRecord record, ReadOnlySpan<byte> storedHash, Span<byte> leafHash)
    {
        scratch.ResetWrittenCount();
        scratch.Write<byte>([0x00]);
        new CanonicalWriter(scratch, default).Record(LegacyFormat, sequence, record);
        var leaf = scratch.WrittenSpan;
        SHA256.HashData(leaf, leafHash);
        using var chain = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        chain.AppendData(prevHash);
        chain.AppendData(leaf[1..]);
        Span<byte> hash = stackalloc byte[HashSize];
        chain.GetHashAndReset(hash);
        return hash.SequenceEqual(storedHash);
    }

    /// <summary>Writes the format 1 canonical bytes (version, sequence, fields), as stores before the tree hashed them.</summary>
    public static void WriteCanonical(IBufferWriter<byte> output, long sequence, AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(record);
        new CanonicalWriter(output, default).Record(LegacyFormat, sequence, record);
    }

    /// <summary>The canonical encoding; counts what it writes so it can say where each value landed.</summary>
    private ref struct CanonicalWriter(IBufferWriter<byte> output, Span<(int Offset, int Length)> values)
    {
        private readonly Span<(int Offset, int Length)> _values = values;
        private int _written;
        private int _value;

        public void Raw(ReadOnlySpan<byte> bytes)
        {
            output.Write(bytes);
            _written += bytes.Length;
        }

        public void Record(byte format, long? sequence, AuditRecord record)
        {
            Byte(format);
            if (sequence is { } present)
            {
                Int64(present);
            }

            Int64(record.TimeMicros);
            Int64((long)record.Kind);
            Text(record.SessionId);
            Text(record.Subject);
            Text(record.ClientId);
            Text(record.Groups);
            Text(record.TokenHash);
            Text(record.Connection);
            Text(record.RemoteAddress);
            Text(record.ProtocolVersion);
            Text(record.Direction);
            OptionalInt64(record.FrameSequence);
            Text(record.MessageKind);
            Text(record.RpcId);
            Text(record.Method);
            Text(record.Tool);
            Text(record.Verdict);
            Text(record.Inspector);
            Text(record.Reason);
            OptionalInt64(record.ErrorCode);
            OptionalInt64(record.Size);
            Text(record.PayloadSha256);
            Bytes(record.Payload);
        }

        private void Byte(byte value)
        {
            output.GetSpan(1)[0] = value;
            output.Advance(1);
            _written++;
        }

        private void Int64(long value)
        {
            BinaryPrimitives.WriteInt64BigEndian(output.GetSpan(8), value);
            output.Advance(8);
            _written += 8;
        }

        private void OptionalInt64(long? value)
        {
            Byte(value is null ? (byte)0 : (byte)1);
            if (value is { } present)
            {
                Int64(present);
            }
        }

        private void Text(string? value)
        {
            Byte(value is null ? (byte)0 : (byte)1);
            if (value is null)
            {
                Locate(-1, 0);
                return;
            }

            // One pass: transcode after room for the length, then write the length in front.
            var span = output.GetSpan(sizeof(long) + Encoding.UTF8.GetMaxByteCount(value.Length));
            var written = Encoding.UTF8.GetBytes(value, span[sizeof(long)..]);
            BinaryPrimitives.WriteInt64BigEndian(span, written);
            output.Advance(sizeof(long) + written);
            _written += sizeof(long);
            Locate(_written, written);
            _written += written;
        }

        private void Bytes(byte[]? value)
        {
            Byte(value is null ? (byte)0 : (byte)1);
            if (value is null)
            {
                Locate(-1, 0);
                return;
            }

            Int64(value.Length);
            Locate(_written, value.Length);
            Raw(value);
        }

        private void Locate(int offset, int length)
        {
            if (!_values.IsEmpty)
            {
                _values[_value++] = (offset, length);
            }
        }
    }
}
