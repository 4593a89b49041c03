using McpGateway.Core.Recording;
using Microsoft.Data.Sqlite;

namespace McpGateway.Inspectors.Recording;

/// <summary>The SQLite store's Merkle tree tables (<see cref="AuditTreeStorage"/>), read and rebuilt inside the caller's write transaction.</summary>
internal static class SqliteAuditTree
{
    public const string InsertNode = "INSERT OR REPLACE INTO audit_tree (level, idx, hash) VALUES (?, ?, ?)";

    public const string SaveHead = "INSERT OR REPLACE INTO audit_tree_head (id, size, frontier) VALUES (1, ?, ?)";

    /// <summary>
    /// The tree's right edge for <paramref name="size"/> records: the stored one when it is at that size, otherwise
    /// rebuilt from the records (a store written before the tree: the upgrade) and stored, in the caller's transaction.
    /// </summary>
    /// <exception cref="InvalidOperationException">The records cannot give the tree (purged before it was kept, or damaged).</exception>
    public static MerkleFrontier Load(SqliteConnection connection, SqliteTransaction? transaction, long size)
    {
        using (var head = connection.CreateCommand())
        {
            head.Transaction = transaction;
            head.CommandText = "SELECT size, frontier FROM audit_tree_head WHERE id = 1";
            using var reader = head.ExecuteReader();
            if (reader.Read() && reader.GetInt64(0) == size)
            {
                return MerkleFrontier.Deserialize(size, AuditColumns.Blob(reader, 1));
            }
        }

        var builder = new AuditTreeBuilder();
        using (var records = connection.CreateCommand())
        {
            records.Transaction = transaction;
            records.CommandText = $"SELECT {AuditColumns.List} FROM audit_records WHERE seq <= $size ORDER BY seq";
            records.Parameters.AddWithValue("$size", size);
            using var reader = records.ExecuteReader();
            while (reader.Read())
            {
                builder.Add(AuditColumns.Read(reader));
            }
        }

        if (builder.Tree.Size != size)
        {
            throw new InvalidOperationException($"the audit store lacks records before its head {size}: the Merkle tree cannot be rebuilt; run `mcpgw audit verify`");
        }

        using var save = connection.CreateCommand();
        save.Transaction = transaction;
        save.CommandText = InsertNode.Replace("(?, ?, ?)", "($level, $idx, $hash)", StringComparison.Ordinal);
        var level = save.Parameters.Add("$level", SqliteType.Integer);
        var index = save.Parameters.Add("$idx", SqliteType.Integer);
        var hash = save.Parameters.Add("$hash", SqliteType.Blob);
        foreach (var node in builder.Nodes)
        {
            (level.Value, index.Value, hash.Value) = (node.Level, node.Index, node.Hash);
            save.ExecuteNonQuery();
        }

        save.Parameters.Clear();
        save.CommandText = SaveHead.Replace("(1, ?, ?)", "(1, $size, $frontier)", StringComparison.Ordinal);
        save.Parameters.AddWithValue("$size", size);
        save.Parameters.AddWithValue("$frontier", builder.Tree.Serialize());
        save.ExecuteNonQuery();
        return builder.Tree;
    }

    /// <summary>A stored perfect subtree, or null (not kept, or the table does not exist: a store written before the tree).</summary>
    public static async Task<byte[]?> ReadNodeAsync(SqliteConnection connection, int level, long index, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT hash FROM audit_tree WHERE level = $level AND idx = $idx";
        command.Parameters.AddWithValue("$level", level);
        command.Parameters.AddWithValue("$idx", index);
        try
        {
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as byte[];
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 1)
        {
            return null;
        }
    }
}
