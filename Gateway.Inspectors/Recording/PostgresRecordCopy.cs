using McpGateway.Core.Recording;
using Npgsql;
using NpgsqlTypes;

namespace McpGateway.Inspectors.Recording;

/// <summary>
/// Appends a batch of chained records to the log's <c>audit_records</c> with one binary <c>COPY</c>: no statement per row,
/// no parameters to bind, the values travel as PostgreSQL's binary format. Measured against one <c>INSERT</c> per row in
/// one batch (the load driver's <c>gateway-audit-pg</c>, same run): see docs/performance.md.
/// </summary>
internal static class PostgresRecordCopy
{
    private const string Copy =
        "COPY audit_records (seq, time_us, kind, session_id, subject, client_id, groups, token_hash, connection, remote_address, " +
        "protocol_version, direction, frame_seq, message_kind, rpc_id, method, tool, verdict, inspector, reason, error_code, size, " +
        "payload_sha256, payload, prev_hash, hash) FROM STDIN (FORMAT BINARY)";

    public static async Task WriteAsync(NpgsqlConnection connection, IReadOnlyList<StoredAuditRecord> records, CancellationToken cancellationToken)
    {
        await using var importer = await connection.BeginBinaryImportAsync(Copy, cancellationToken).ConfigureAwait(false);
        foreach (var stored in records)
        {
            var r = stored.Record;
            await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
            await importer.WriteAsync(stored.Sequence, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
            await importer.WriteAsync(r.TimeMicros, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
            await importer.WriteAsync(AuditEventKinds.ToText(r.Kind), NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await importer.WriteAsync(r.SessionId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await TextAsync(importer, r.Subject, cancellationToken).ConfigureAwait(false);
            await TextAsync(importer, r.ClientId, cancellationToken).ConfigureAwait(false);
            await TextAsync(importer, r.Groups, cancellationToken).ConfigureAwait(false);
            await TextAsync(importer, r.TokenHash, cancellationToken).ConfigureAwait(false);
            await TextAsync(importer, r.Connection, cancellationToken).ConfigureAwait(false);
            await TextAsync(importer, r.RemoteAddress, cancellationToken).ConfigureAwait(false);
            await TextAsync(importer, r.ProtocolVersion, cancellationToken).ConfigureAwait(false);
            await TextAsync(importer, r.Direction, cancellationToken).ConfigureAwait(false);
            await NumberAsync(importer, r.FrameSequence, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
            await TextAsync(importer, r.MessageKind, cancellationToken).ConfigureAwait(false);
            await TextAsync(importer, r.RpcId, cancellationToken).ConfigureAwait(false);
            await TextAsync(importer, r.Method, cancellationToken).ConfigureAwait(false);
            await TextAsync(importer, r.Tool, cancellationToken).ConfigureAwait(false);
            await TextAsync(importer, r.Verdict, cancellationToken).ConfigureAwait(false);
            await TextAsync(importer, r.Inspector, cancellationToken).ConfigureAwait(false);
            await TextAsync(importer, r.Reason, cancellationToken).ConfigureAwait(false);
            if (r.ErrorCode is { } code)
            {
                await importer.WriteAsync(code, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
            }

            await NumberAsync(importer, r.Size, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
            await TextAsync(importer, r.PayloadSha256, cancellationToken).ConfigureAwait(false);
            await BytesAsync(importer, r.Payload, cancellationToken).ConfigureAwait(false);
            await BytesAsync(importer, stored.PrevHash, cancellationToken).ConfigureAwait(false);
            await BytesAsync(importer, stored.Hash, cancellationToken).ConfigureAwait(false);
        }

        await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    private static Task TextAsync(NpgsqlBinaryImporter importer, string? value, CancellationToken cancellationToken) =>
        value is null ? importer.WriteNullAsync(cancellationToken) : importer.WriteAsync(value, NpgsqlDbType.Text, cancellationToken);

    private static Task NumberAsync(NpgsqlBinaryImporter importer, long? value, NpgsqlDbType type, CancellationToken cancellationToken) =>
        value is { } number ? importer.WriteAsync(number, type, cancellationToken) : importer.WriteNullAsync(cancellationToken);

    private static Task BytesAsync(NpgsqlBinaryImporter importer, byte[]? value, CancellationToken cancellationToken) =>
        value is null ? importer.WriteNullAsync(cancellationToken) : importer.WriteAsync(value, NpgsqlDbType.Bytea, cancellationToken);
}
