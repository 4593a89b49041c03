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
public static class AuditHashChain
{
    public const int HashSize = 32;

    private const byte FormatVersion = 1;

    /// <summary>The <c>prev_hash</c> of the first record ever written.</summary>
    public static byte[] Genesis => new byte[HashSize];

    public static byte[] Compute(ReadOnlySpan<byte> prevHash, long sequence, AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var buffer = new ArrayBufferWriter<byte>(256 + (record.Payload?.Length ?? 0));
        buffer.Write(prevHash);
        WriteCanonical(buffer, sequence, record);
        return SHA256.HashData(buffer.WrittenSpan);
    }

    public static void WriteCanonical(IBufferWriter<byte> output, long sequence, AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(record);
        output.GetSpan(1)[0] = FormatVersion;
        output.Advance(1);
        Int64(output, sequence);
        Int64(output, record.TimeMicros);
        Int64(output, (long)record.Kind);
        Text(output, record.SessionId);
        Text(output, record.Subject);
        Text(output, record.ClientId);
        Text(output, record.Groups);
        Text(output, record.TokenHash);
        Text(output, record.Connection);
        Text(output, record.RemoteAddress);
        Text(output, record.ProtocolVersion);
        Text(output, record.Direction);
        OptionalInt64(output, record.FrameSequence);
        Text(output, record.MessageKind);
        Text(output, record.RpcId);
        Text(output, record.Method);
        Text(output, record.Tool);
        Text(output, record.Verdict);
        Text(output, record.Inspector);
        Text(output, record.Reason);
        OptionalInt64(output, record.ErrorCode);
        OptionalInt64(output, record.Size);
        Text(output, record.PayloadSha256);
        Bytes(output, record.Payload);
    }

    private static void Int64(IBufferWriter<byte> output, long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(output.GetSpan(8), value);
        output.Advance(8);
    }

    private static void OptionalInt64(IBufferWriter<byte> output, long? value)
    {
        output.GetSpan(1)[0] = value is null ? (byte)0 : (byte)1;
        output.Advance(1);
        if (value is { } present)
        {
            Int64(output, present);
        }
    }

    private static void Text(IBufferWriter<byte> output, string? value)
    {
        output.GetSpan(1)[0] = value is null ? (byte)0 : (byte)1;
        output.Advance(1);
        if (value is null)
        {
            return;
        }

        var length = Encoding.UTF8.GetByteCount(value);
        Int64(output, length);
        var written = Encoding.UTF8.GetBytes(value, output.GetSpan(length));
        output.Advance(written);
    }

    private static void Bytes(IBufferWriter<byte> output, byte[]? value)
    {
        output.GetSpan(1)[0] = value is null ? (byte)0 : (byte)1;
        output.Advance(1);
        if (value is null)
        {
            return;
        }

        Int64(output, value.Length);
        output.Write(value);
    }
}
