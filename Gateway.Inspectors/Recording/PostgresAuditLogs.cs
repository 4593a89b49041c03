using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using McpGateway.Core.Configuration;
using Npgsql;

namespace McpGateway.Inspectors.Recording;

/// <summary>
/// The logs of a shared PostgreSQL audit store. Each gateway instance (<c>audit.logId</c>) writes its own log: its own
/// schema <c>mcpgw_audit_&lt;id&gt;</c> holding the audit tables, its own sequence, tree and checkpoints, and its own
/// advisory lock, so instances never wait for each other on the record path. The chain written before logs existed
/// (the tables in <c>public</c>) is the log <see cref="AuditSettings.LegacyLogId"/>, under the lock those gateways took,
/// so gateways of both kinds can still share it during an upgrade.
/// </summary>
internal static class PostgresAuditLogs
{
    public const string SchemaPrefix = "mcpgw_audit_";

    /// <summary>The advisory lock of the chain written before logs ("mcpgw-au"), what those gateways appended under.</summary>
    private const long LegacyLock = 0x6d63_7067_772d_6175;

    /// <summary>The schema holding <paramref name="logId"/>'s tables, quoted for SQL and <c>search_path</c>.</summary>
    public static string Schema(string logId) =>
        logId == AuditSettings.LegacyLogId ? "public" : $"\"{SchemaPrefix}{logId}\"";

    /// <summary>The advisory lock appenders to <paramref name="logId"/> take: one per log, shared by no other log.</summary>
    public static long LockKey(string logId) =>
        logId == AuditSettings.LegacyLogId ? LegacyLock : BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes("mcpgw-audit-log:" + logId)));

    /// <summary>A connection string whose connections see <paramref name="logId"/>'s tables (and nothing else of the audit store).</summary>
    public static string ConnectionString(string connectionString, string logId) =>
        new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = Schema(logId) }.ConnectionString;

    /// <summary>Every log with records or checkpoints in the store, by id; the legacy chain first when there is one.</summary>
    public static async Task<IReadOnlyList<string>> ListAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { Timeout = 5, CommandTimeout = 30 }.ConnectionString);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            """
            SELECT $1 WHERE to_regclass('public.audit_records') IS NOT NULL
            UNION ALL
            SELECT * FROM (SELECT substr(nspname, length($2) + 1) FROM pg_namespace
                WHERE starts_with(nspname, $2) AND to_regclass(quote_ident(nspname) || '.audit_records') IS NOT NULL ORDER BY 1) AS logs
            """,
            connection)
        {
            Parameters = { new() { Value = AuditSettings.LegacyLogId }, new() { Value = SchemaPrefix } },
        };
        var logs = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            logs.Add(reader.GetString(0));
        }

        return logs;
    }
}
