using McpGateway.Core.Recording;
using Npgsql;

namespace McpGateway.Inspectors.Recording;

/// <summary>The PostgreSQL store's Merkle tree tables (<see cref="AuditTreeStorage"/>), read and rebuilt under the appenders' lock.</summary>
internal static class PostgresAuditTree
{
    public const string Schema = """
        CREATE TABLE IF NOT EXISTS audit_tree (level INTEGER NOT NULL, idx BIGINT NOT NULL, hash BYTEA NOT NULL, PRIMARY KEY (level, idx));
        CREATE TABLE IF NOT EXISTS audit_tree_head (id INTEGER PRIMARY KEY CHECK (id = 1), size BIGINT NOT NULL, frontier BYTEA NOT NULL);
        ALTER TABLE audit_checkpoints ADD COLUMN IF NOT EXISTS root BYTEA;
        ALTER TABLE audit_anchors ADD COLUMN IF NOT EXISTS tree_edge BYTEA;
        """;

    public const string InsertNode = "INSERT INTO audit_tree (level, idx, hash) VALUES ($1, $2, $3) ON CONFLICT (level, idx) DO UPDATE SET hash = EXCLUDED.hash";

    public const string SaveHead = "INSERT INTO audit_tree_head (id, size, frontier) VALUES (1, $1, $2) ON CONFLICT (id) DO UPDATE SET size = EXCLUDED.size, frontier = EXCLUDED.frontier";

    /// <summary>The tree's right edge for <paramref name="size"/> records: stored, or rebuilt from the records and stored in the caller's transaction.</summary>
    /// <exception cref="InvalidOperationException">The records cannot give the tree (purged before it was kept, or damaged).</exception>
    public static async Task<MerkleFrontier> LoadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long size, CancellationToken cancellationToken)
    {
        await using (var head = new NpgsqlCommand("SELECT size, frontier FROM audit_tree_head WHERE id = 1", connection, transaction))
        await using (var reader = await head.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false) && reader.GetInt64(0) == size)
            {
                return MerkleFrontier.Deserialize(size, AuditColumns.Blob(reader, 1));
            }
        }

        var builder = new AuditTreeBuilder();
        await using (var records = new NpgsqlCommand($"SELECT {AuditColumns.List} FROM audit_records WHERE seq <= $1 ORDER BY seq", connection, transaction) { Parameters = { new() { Value = size } } })
        await using (var reader = await records.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                builder.Add(AuditColumns.Read(reader));
            }
        }

        if (builder.Tree.Size != size)
        {
            throw new InvalidOperationException($"the audit store lacks records before its head {size}: the Merkle tree cannot be rebuilt; run `mcpgw audit verify`");
        }

        await using var save = new NpgsqlBatch(connection, transaction);
        foreach (var node in builder.Nodes)
        {
            save.BatchCommands.Add(Node(node.Level, node.Index, node.Hash));
        }

        save.BatchCommands.Add(Head(builder.Tree));
        await save.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return builder.Tree;
    }

    public static NpgsqlBatchCommand Node(int level, long index, byte[] hash) =>
        new(InsertNode) { Parameters = { new() { Value = level }, new() { Value = index }, new() { Value = hash } } };

    public static NpgsqlBatchCommand Head(MerkleFrontier tree) =>
        new(SaveHead) { Parameters = { new() { Value = tree.Size }, new() { Value = tree.Serialize() } } };
}
