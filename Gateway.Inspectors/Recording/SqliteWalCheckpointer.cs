using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace McpGateway.Inspectors.Recording;

/// <summary>
/// Moves the SQLite store's write-ahead log into the database file on its own connection and thread, so the
/// group-commit writer (the one serial step of recording) never does it: SQLite's automatic checkpoint would run inside
/// a commit every 1000 pages, copying and checksumming pages while every frame waits. A PASSIVE checkpoint does not
/// block the writer; the writer's own automatic checkpoint stays as a backstop at <see cref="BackstopPages"/>.
/// </summary>
internal sealed class SqliteWalCheckpointer : IAsyncDisposable
{
    /// <summary>The writer's <c>wal_autocheckpoint</c>: only reached when this checkpointer cannot keep up or fails.</summary>
    public const int BackstopPages = 64 * 1024;

    /// <summary>How often the log is checkpointed.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    private readonly string _path;
    private readonly bool _sync;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly PeriodicTimer _timer;
    private readonly Task _loop;

    public SqliteWalCheckpointer(string path, bool sync, TimeProvider timeProvider, ILogger logger)
    {
        _path = path;
        _sync = sync;
        _logger = logger;
        _timer = new PeriodicTimer(Interval, timeProvider);
        _loop = Task.Run(RunAsync);
    }

    private async Task RunAsync()
    {
        SqliteConnection? connection = null;
        try
        {
            while (await _timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                try
                {
                    connection ??= await OpenAsync(_stopping.Token).ConfigureAwait(false);
                    await using var command = connection.CreateCommand();
                    command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
                    await command.ExecuteNonQueryAsync(_stopping.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
                {
                    // The store is down or busy: the writer reports that; this tries again on a fresh connection.
                    RecordingLog.WalCheckpointFailed(_logger, _path, ex);
                    if (connection is not null)
                    {
                        await connection.DisposeAsync().ConfigureAwait(false);
                        connection = null;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Disposed.
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(SqliteAuditStore.ConnectionString(_path, SqliteOpenMode.ReadWrite));
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA busy_timeout = {(int)SqliteAuditStore.BusyTimeout.TotalMilliseconds}; PRAGMA synchronous = {(_sync ? "FULL" : "NORMAL")};";
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _timer.Dispose();
        _stopping.Dispose();
    }
}
