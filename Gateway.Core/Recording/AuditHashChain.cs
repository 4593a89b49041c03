using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace McpGateway.Core.Recording;

/// <summary>
/// The chain: <c>hash = SHA-256(prev_hash || canonical(sequence, record))</c>, starting from 32 zero bytes. The
/// canonical bytes are a version byte, the sequence, then every field in a fixed order, each as a presence byte and a
/// length-prefixed value, so no two records share an encoding.
/// </summary>
internal static class AuditHashChain
{
    public const int HashSize = 32;

    /// <summary>How many text and bytes values <see cref="WriteLinked"/> locates: 17 texts, then the payload.</summary>
    internal const int ValueCount = 18;

    private const byte FormatVersion = 1;

    /// <summary>The <c>prev_hash</c> of the first record ever written.</summary>
    public static byte[] Genesis => new byte[HashSize];

    public static byte[] Compute(ReadOnlySpan<byte> prevHash, long sequence, AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var buffer = new ArrayBufferWriter<byte>(256 + (record.Payload?.Length ?? 0));
        var hash = new byte[HashSize];
        WriteLinked(buffer, prevHash, sequence, record, default);
        SHA256.HashData(buffer.WrittenSpan, hash);
        return hash;
    }

    /// <summary>
    /// Writes <c>prev_hash || canonical(sequence, record)</c> (what the hash covers) to <paramref name="output"/>, and
    /// where each text and bytes value's UTF-8 lies in what was written: a store binds those slices, so a record is
    /// encoded once for both its hash and its row. Texts in column order (session id, subject, client id, groups,
    /// token hash, connection, remote address, protocol version, direction, message kind, rpc id, method, tool,
    /// verdict, inspector, reason, payload SHA-256; the kind is hashed as its number, so it is not among them), then the
    /// payload; <c>Offset</c> is -1 for a null value.
    /// <paramref name="values"/> may be empty when the caller only hashes.
    /// </summary>
    internal static void WriteLinked(IBufferWriter<byte> output, ReadOnlySpan<byte> prevHash, long sequence, AuditRecord record, Span<(int Offset, int Length)> values)
    {
        var writer = new CanonicalWriter(output, values);
        writer.Raw(prevHash);
        writer.Record(sequence, record);
    }

    public static void WriteCanonical(IBufferWriter<byte> output, long sequence, AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(record);
        new CanonicalWriter(output, default).Record(sequence, record);
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

        public void Record(long sequence, AuditRecord record)
        {
            Byte(FormatVersion);
            Int64(sequence);
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
