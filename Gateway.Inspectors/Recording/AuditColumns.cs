using System.Data.Common;
using McpGateway.Core.Recording;

namespace McpGateway.Inspectors.Recording;

/// <summary>The audit table's columns in one order for both stores: binding a record to an insert, reading one back.</summary>
internal static class AuditColumns
{
    public const string List =
        "seq, time_us, kind, session_id, subject, client_id, groups, token_hash, connection, remote_address, protocol_version, " +
        "direction, frame_seq, message_kind, rpc_id, method, tool, verdict, inspector, reason, error_code, size, payload_sha256, payload, prev_hash, hash";

    public static readonly string[] Names = List.Split(", ");

    /// <summary>Values in <see cref="Names"/> order.</summary>
    public static object[] Values(StoredAuditRecord stored)
    {
        var r = stored.Record;
        return
        [
            stored.Sequence, r.TimeMicros, AuditEventKinds.ToText(r.Kind), r.SessionId, Db(r.Subject), Db(r.ClientId), Db(r.Groups),
            Db(r.TokenHash), Db(r.Connection), Db(r.RemoteAddress), Db(r.ProtocolVersion), Db(r.Direction),
            r.FrameSequence is { } f ? f : DBNull.Value, Db(r.MessageKind), Db(r.RpcId), Db(r.Method), Db(r.Tool), Db(r.Verdict),
            Db(r.Inspector), Db(r.Reason), r.ErrorCode is { } c ? c : DBNull.Value, r.Size is { } s ? s : DBNull.Value,
            Db(r.PayloadSha256), r.Payload is { } payload ? payload : DBNull.Value, stored.PrevHash, stored.Hash,
        ];
    }

    public static StoredAuditRecord Read(DbDataReader reader)
    {
        var record = new AuditRecord
        {
            TimeMicros = reader.GetInt64(1),
            Kind = AuditEventKinds.Parse(reader.GetString(2)),
            SessionId = reader.GetString(3),
            Subject = Text(reader, 4),
            ClientId = Text(reader, 5),
            Groups = Text(reader, 6),
            TokenHash = Text(reader, 7),
            Connection = Text(reader, 8),
            RemoteAddress = Text(reader, 9),
            ProtocolVersion = Text(reader, 10),
            Direction = Text(reader, 11),
            FrameSequence = reader.IsDBNull(12) ? null : reader.GetInt64(12),
            MessageKind = Text(reader, 13),
            RpcId = Text(reader, 14),
            Method = Text(reader, 15),
            Tool = Text(reader, 16),
            Verdict = Text(reader, 17),
            Inspector = Text(reader, 18),
            Reason = Text(reader, 19),
            ErrorCode = reader.IsDBNull(20) ? null : reader.GetInt32(20),
            Size = reader.IsDBNull(21) ? null : reader.GetInt64(21),
            PayloadSha256 = Text(reader, 22),
            Payload = reader.IsDBNull(23) ? null : (byte[])reader.GetValue(23),
        };
        return new StoredAuditRecord(reader.GetInt64(0), record, Blob(reader, 24), Blob(reader, 25));
    }

    public static byte[] Blob(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? [] : reader.GetValue(ordinal) as byte[] ?? [];

    private static string? Text(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static object Db(string? value) => value is null ? DBNull.Value : value;
}
