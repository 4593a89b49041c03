namespace McpGateway.Inspectors.Recording;

/// <summary>The audit table of the SQLite store; <c>seq</c> is assigned by the gateway, never by the database.</summary>
internal static class SqliteAuditSchema
{
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
        CREATE INDEX IF NOT EXISTS audit_records_session ON audit_records (session_id, seq);
        CREATE TABLE IF NOT EXISTS audit_checkpoints (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            seq INTEGER NOT NULL,
            hash BLOB NOT NULL,
            time_us INTEGER NOT NULL,
            signature BLOB NOT NULL
        );
        CREATE TABLE IF NOT EXISTS audit_anchors (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            seq INTEGER NOT NULL,
            prev_hash BLOB NOT NULL,
            time_us INTEGER NOT NULL,
            signature BLOB NOT NULL
        );
        """;
}
