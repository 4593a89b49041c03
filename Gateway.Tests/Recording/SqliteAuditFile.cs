using McpGateway.Core.Recording;
using McpGateway.Host.Commands;
using Microsoft.Data.Sqlite;

namespace McpGateway.Tests.Recording;

/// <summary>
/// A SQLite audit store file as the tests of <c>mcpgw audit verify</c> handle it: filled through the store, edited with
/// plain SQL as an attacker with file access would, read back raw, and verified through the command line.
/// </summary>
internal static class SqliteAuditFile
{
    /// <summary>Appends <paramref name="records"/> frame records of one session, all at once so that they share commits.</summary>
    public static async Task FillAsync(string path, int records, CancellationToken cancellationToken)
    {
        await using var store = SqliteAuditStoreTests.Open(path);
        await Task.WhenAll(Enumerable.Range(1, records).Select(n => store.AppendAsync(
            new AuditRecord { TimeMicros = n, Kind = AuditEventKind.Frame, SessionId = "long", Verdict = "forwarded" }, cancellationToken).AsTask()));
    }

    /// <summary>Runs <paramref name="sql"/> on the file behind the store's back (no pooled connection stays open on it).</summary>
    public static async Task TamperAsync(string path, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Every record as stored, with its sequence number and hashes.</summary>
    public static async Task<List<StoredAuditRecord>> ReadAllAsync(string path, CancellationToken cancellationToken)
    {
        var records = new List<StoredAuditRecord>();
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync(cancellationToken);
        await foreach (var record in McpGateway.Inspectors.Recording.SqliteAuditStore.ReadAllAsync(connection, 1, cancellationToken))
        {
            records.Add(record);
        }

        return records;
    }

    /// <summary><c>mcpgw audit verify --store PATH</c> with <paramref name="options"/>: its exit code, and its output followed by its error output.</summary>
    public static async Task<(int Exit, string Output)> VerifyAsync(string path, CancellationToken cancellationToken, params string[] options)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await AuditCommand.RunAsync(["verify", "--store", path, .. options], output, error, cancellationToken);
        return (exit, output + error.ToString());
    }
}
