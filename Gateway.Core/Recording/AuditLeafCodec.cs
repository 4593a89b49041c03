using System.Buffers.Binary;
using System.Text;

namespace McpGateway.Core.Recording;

/// <summary>Reads a record back from its format 2 leaf bytes (<see cref="AuditHashChain"/>): the inverse of the canonical encoding.</summary>
internal static class AuditLeafCodec
{
    /// <exception cref="FormatException">The bytes are not a format 2 leaf.</exception>
    public static AuditRecord Decode(ReadOnlySpan<byte> leaf)
    {
        var reader = new Reader(leaf);
        if (reader.Byte() != 2)
        {
            throw new FormatException("not a format 2 leaf");
        }

        var record = new AuditRecord
        {
            TimeMicros = reader.Int64(),
            Kind = (AuditEventKind)reader.Int64(),
            SessionId = reader.Text() ?? "",
            Subject = reader.Text(),
            ClientId = reader.Text(),
            Groups = reader.Text(),
            TokenHash = reader.Text(),
            Connection = reader.Text(),
            RemoteAddress = reader.Text(),
            ProtocolVersion = reader.Text(),
            Direction = reader.Text(),
            FrameSequence = reader.OptionalInt64(),
            MessageKind = reader.Text(),
            RpcId = reader.Text(),
            Method = reader.Text(),
            Tool = reader.Text(),
            Verdict = reader.Text(),
            Inspector = reader.Text(),
            Reason = reader.Text(),
            ErrorCode = reader.OptionalInt64() is { } code ? (int)code : null,
            Size = reader.OptionalInt64(),
            PayloadSha256 = reader.Text(),
            Payload = reader.Bytes(),
        };
        return reader.AtEnd ? record : throw new FormatException("bytes after the leaf's last field");
    }

    private ref struct Reader(ReadOnlySpan<byte> bytes)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;
        private int _at;

        public readonly bool AtEnd => _at == _bytes.Length;

        public byte Byte() => _at < _bytes.Length ? _bytes[_at++] : throw new FormatException("the leaf ends early");

        public long Int64()
        {
            var value = BinaryPrimitives.ReadInt64BigEndian(Take(sizeof(long)));
            return value;
        }

        public long? OptionalInt64() => Byte() == 0 ? null : Int64();

        public string? Text() => Byte() == 0 ? null : Encoding.UTF8.GetString(Take(Length()));

        public byte[]? Bytes() => Byte() == 0 ? null : Take(Length()).ToArray();

        private int Length()
        {
            var length = Int64();
            return length >= 0 && length <= _bytes.Length - _at ? (int)length : throw new FormatException("a length past the leaf's end");
        }

        private ReadOnlySpan<byte> Take(int count)
        {
            if (count > _bytes.Length - _at)
            {
                throw new FormatException("the leaf ends early");
            }

            var slice = _bytes.Slice(_at, count);
            _at += count;
            return slice;
        }
    }
}
