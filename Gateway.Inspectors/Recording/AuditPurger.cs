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

    /// <param name="treeEdge">The Merkle tree's right edge over that many records (null when it cannot be computed), kept with the anchor.</param>
    /// <param name="progress">Told after each chunk how many of the records before the first kept one are deleted.</param>
    public static async Task<(long Purged, long FirstSequence)> PurgeAsync(DbConnection connection, long? beforeTimeMicros, long? keepRecords, Func<long, byte[], AuditAnchor> sign, Func<long, CancellationToken, Task<byte[]?>> treeEdge, IProgress<AuditProgress>? progress, CancellationToken cancellationToken)
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
            var edge = await treeEdge(keepFrom - 1, cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, "INSERT INTO audit_anchors (seq, prev_hash, time_us, signature, tree_edge) VALUES (@s, @p, @t, @g, @e)",
                [("s", anchor.Sequence), ("p", anchor.PrevHash), ("t", anchor.TimeMicros), ("g", anchor.Signature), ("e", edge is null ? DBNull.Value : (object)edge)], cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        long purged = 0;
        for (var from = first; from < keepFrom; from += Chunk)
        {
            var to = Math.Min(from + Chunk, keepFrom);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            purged += await ExecuteAsync(connection, transaction, "DELETE FROM audit_records WHERE seq >= @f AND seq < @t", [("f", from), ("t", to)], cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            progress?.Report(new AuditProgress(to - first, keepFrom - first));
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
        // SELECT *: a store written before tree edges has no such column (a read-only verification does not add it).
        command.CommandText = "SELECT * FROM audit_anchors ORDER BY id";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var edge = Enumerable.Range(0, reader.FieldCount).FirstOrDefault(i => reader.GetName(i) == "tree_edge", -1);
        var (seq, prev, time, signature) = (reader.GetOrdinal("seq"), reader.GetOrdinal("prev_hash"), reader.GetOrdinal("time_us"), reader.GetOrdinal("signature"));
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            anchors.Add(new AuditAnchor(reader.GetInt64(seq), AuditColumns.Blob(reader, prev), reader.GetInt64(time), AuditColumns.Blob(reader, signature))
            {
                TreeEdge = edge >= 0 && !reader.IsDBNull(edge) ? AuditColumns.Blob(reader, edge) : null,
            });
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
