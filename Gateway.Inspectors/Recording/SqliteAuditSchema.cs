namespace McpGateway.Inspectors.Recording;

/// <summary>
/// The audit tables of the SQLite store; <c>seq</c> is assigned by the gateway, never by the database. Besides the
/// records, checkpoints and retention anchors: the log's Merkle tree, as much of it as proofs and appends need
/// (<see cref="AuditTreeStorage"/>): <c>audit_tree</c> holds every perfect subtree of 256 leaves and more,
/// <c>audit_tree_head</c> the tree's right edge at the head. The records have no index but their sequence: every read
/// (query, replay, console, verify) scans in sequence order, and a per-session index would make each group commit rewrite
/// one index page per live session (a store written before this loses that index when a gateway opens it).
/// </summary>
internal static class SqliteAuditSchema
{
    /// <summary>Whether the checkpoint table has the link columns (a store written before them has not, until a gateway adds them).</summary>
    public static async Task<bool> HasLinkedCheckpointsAsync(Microsoft.Data.Sqlite.SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM pragma_table_info('audit_checkpoints') WHERE name = 'counter'";
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    /// <summary>Whether the checkpoint table has the tree head's root column.</summary>
    public static async Task<bool> HasTreeHeadsAsync(Microsoft.Data.Sqlite.SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM pragma_table_info('audit_checkpoints') WHERE name = 'root'";
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    /// <summary>Creates the tables, and adds the link and root columns to a checkpoint table written before them.</summary>
    public static async Task EnsureAsync(Microsoft.Data.Sqlite.SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Create;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        command.CommandText = "SELECT name FROM pragma_table_info('audit_checkpoints')";
        var present = new HashSet<string>(StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                present.Add(reader.GetString(0));
            }
        }

        command.CommandText = "SELECT count(*) FROM pragma_table_info('audit_anchors') WHERE name = 'tree_edge'";
        var anchorsAltered = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) > 0;
        var alterations = CheckpointColumns.Linked.Where(c => !present.Contains(c.Name)).Select(c => $"ALTER TABLE audit_checkpoints ADD COLUMN {c.Name} {c.Sqlite}")
            .Concat(anchorsAltered ? [] : ["ALTER TABLE audit_anchors ADD COLUMN tree_edge BLOB"]);
        foreach (var alteration in alterations)
        {
            command.CommandText = alteration;
            try
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Microsoft.Data.Sqlite.SqliteException ex) when (ex.Message.Contains("duplicate column name", StringComparison.Ordinal))
            {
                // Another connection (the checkpoint service, a second gateway) added it in the meantime.
            }
        }
    }

    public const string Create = """
        CREATE TABLE IF NOT EXISTS audit_records (
            seq INTEGER PRIMARY KEY,
            time_us INTEGER NOT NULL,
            kind TEXT NOT NULL,
            session_id TEXT NOT NULL,
            subject TEXT,
            client_id TEXT,
            groups TEXT,
            token_hash TEXT,
            connection TEXT,
            remote_address TEXT,
            protocol_version TEXT,
            direction TEXT,
            frame_seq INTEGER,
            message_kind TEXT,
            rpc_id TEXT,
            method TEXT,
            tool TEXT,
            verdict TEXT,
            inspector TEXT,
            reason TEXT,
            error_code INTEGER,
            size INTEGER,
            payload_sha256 TEXT,
            payload BLOB,
            prev_hash BLOB NOT NULL,
            hash BLOB NOT NULL
        );
        DROP INDEX IF EXISTS audit_records_session;
        CREATE TABLE IF NOT EXISTS audit_checkpoints (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            seq INTEGER NOT NULL,
            hash BLOB NOT NULL,
            time_us INTEGER NOT NULL,
            signature BLOB NOT NULL,
            counter INTEGER,
            prev_digest BLOB,
            kind TEXT,
            interval_ms INTEGER,
            root BLOB
        );
        CREATE TABLE IF NOT EXISTS audit_tree (
            level INTEGER NOT NULL,
            idx INTEGER NOT NULL,
            hash BLOB NOT NULL,
            PRIMARY KEY (level, idx)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS audit_tree_head (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            size INTEGER NOT NULL,
            frontier BLOB NOT NULL
        );
        CREATE TABLE IF NOT EXISTS audit_anchors (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            seq INTEGER NOT NULL,
            prev_hash BLOB NOT NULL,
            time_us INTEGER NOT NULL,
            signature BLOB NOT NULL,
            tree_edge BLOB
        );
        """;
}
