using System.Data.Common;
using McpGateway.Core.Recording;

namespace McpGateway.Inspectors.Recording;

/// <summary>
/// Retention for both stores, in SQL they share (named <c>@</c> parameters): find the first record to keep, store a
/// signed anchor for it, then delete what lies before it in chunks, each its own short transaction, so that the
/// appending writer never waits long for the lock. Checkpoints over purged records go with them.
/// </summary>
internal static class AuditPurger
{
    /// <summary>Records deleted per transaction.</summary>
    public const int Chunk = 2000;

    public static async Task<(long Purged, long FirstSequence)> PurgeAsync(DbConnection connection, long? beforeTimeMicros, long? keepRecords, Func<long, byte[], AuditAnchor> sign, CancellationToken cancellationToken)
    {
        var bounds = await ScalarsAsync(connection, "SELECT min(seq), max(seq) FROM audit_records", [], cancellationToken).ConfigureAwait(false);
        if (bounds[0] is not long first || bounds[1] is not long head)
        {
            return (0, 0);
        }

        var keepFrom = first;
        if (beforeTimeMicros is { } before)
        {
            var newer = await ScalarsAsync(connection, "SELECT min(seq) FROM audit_records WHERE time_us >= @t", [("t", before)], cancellationToken).ConfigureAwait(false);
            keepFrom = Math.Max(keepFrom, newer[0] as long? ?? head);
        }

        if (keepRecords is { } keep)
        {
            keepFrom = Math.Max(keepFrom, head - keep + 1);
        }

        // Never behind an earlier anchor (the verifier starts from the latest); an interrupted purge is finished under it.
        var anchored = await ScalarsAsync(connection, "SELECT max(seq) FROM audit_anchors", [], cancellationToken).ConfigureAwait(false);
        var lastAnchor = anchored[0] as long? ?? 0;
        keepFrom = Math.Min(Math.Max(keepFrom, lastAnchor), head);
        if (keepFrom <= first)
        {
            return (0, first);
        }

        if (keepFrom != lastAnchor)
        {
            var prev = await ScalarsAsync(connection, "SELECT prev_hash FROM audit_records WHERE seq = @s", [("s", keepFrom)], cancellationToken).ConfigureAwait(false);
            if (prev[0] is not byte[] prevHash)
            {
                throw new InvalidOperationException($"audit record {keepFrom} is missing; run mcpgw audit verify before purging");
            }

            var anchor = sign(keepFrom, prevHash);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, "INSERT INTO audit_anchors (seq, prev_hash, time_us, signature) VALUES (@s, @p, @t, @g)",
                [("s", anchor.Sequence), ("p", anchor.PrevHash), ("t", anchor.TimeMicros), ("g", anchor.Signature)], cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        long purged = 0;
        for (var from = first; from < keepFrom; from += Chunk)
        {
            var to = Math.Min(from + Chunk, keepFrom);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            purged += await ExecuteAsync(connection, transaction, "DELETE FROM audit_records WHERE seq >= @f AND seq < @t", [("f", from), ("t", to)], cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
        {
            await ExecuteAsync(connection, transaction, "DELETE FROM audit_checkpoints WHERE seq < @s", [("s", keepFrom)], cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, "DELETE FROM audit_anchors WHERE seq < @s", [("s", keepFrom)], cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        return (purged, keepFrom);
    }

    /// <summary>Every anchor, oldest first.</summary>
    public static async Task<List<AuditAnchor>> ReadAnchorsAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var anchors = new List<AuditAnchor>();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, prev_hash, time_us, signature FROM audit_anchors ORDER BY id";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            anchors.Add(new AuditAnchor(reader.GetInt64(0), AuditColumns.Blob(reader, 1), reader.GetInt64(2), AuditColumns.Blob(reader, 3)));
        }

        return anchors;
    }

    private static async Task<object?[]> ScalarsAsync(DbConnection connection, string sql, (string Name, object Value)[] parameters, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, null, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var values = new object?[reader.FieldCount];
        if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }
        }

        return values;
    }

    private static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, (string Name, object Value)[] parameters, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        return command;
    }
}
