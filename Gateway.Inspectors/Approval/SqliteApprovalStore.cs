using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace McpGateway.Inspectors.Approval;

/// <summary>
/// The embedded approval store: its own SQLite file (WAL, synchronous FULL), created with its tables on first use, so a
/// gateway whose policy never holds a call writes nothing. Writers take the database's write lock up front
/// (<c>BEGIN IMMEDIATE</c>) and wait for one another up to the busy timeout. Changes made in this process are announced
/// at once; the gateway's periodic recheck catches changes another process made to the same file.
/// </summary>
internal sealed class SqliteApprovalStore(string path, TimeProvider timeProvider) : SqlApprovalStore(timeProvider)
{
    private static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _schema = new(1, 1);
    private volatile bool _ready;

    public override string Description => $"sqlite:{path}";

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!_ready)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        }

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            DefaultTimeout = (int)BusyTimeout.TotalSeconds,
        }.ToString());
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (var pragmas = Command(connection, null, $"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds}; PRAGMA synchronous = FULL;"))
            {
                await pragmas.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            if (!_ready)
            {
                await _schema.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    if (!_ready)
                    {
                        await using var schema = Command(connection, null, "PRAGMA journal_mode = WAL;" + SchemaText);
                        await schema.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                        _ready = true;
                    }
                }
                finally
                {
                    _schema.Release();
                }
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    protected override Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    public override ValueTask DisposeAsync()
    {
        _schema.Dispose();
        SqliteConnection.ClearAllPools();
        return ValueTask.CompletedTask;
    }
}
