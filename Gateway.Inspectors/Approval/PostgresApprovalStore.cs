using System.Data.Common;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace McpGateway.Inspectors.Approval;

/// <summary>
/// The approval store that several gateway instances share. Every change is announced with <c>NOTIFY mcpgw_approvals</c>
/// inside its transaction (so it is heard exactly when it is committed); each instance that holds calls keeps one
/// connection that <c>LISTEN</c>s, reconnects after a failure, and then asks its holder to recheck everything it holds.
/// A held call lives in the database, not in the instance that took the vote, so restarting that instance loses nothing.
/// </summary>
internal sealed class PostgresApprovalStore : SqlApprovalStore
{
    public const string Channel = "mcpgw_approvals";

    /// <summary>The advisory lock under which the tables are created ("mcpgw-ap"), so two instances starting at once do not race.</summary>
    private const long SchemaLock = 0x6d63_7067_772d_6170;

    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(1);

    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _schema = new(1, 1);
    private volatile bool _ready;
    private int _started;
    private Task? _listener;

    public PostgresApprovalStore(string connectionString, TimeProvider timeProvider, ILogger logger)
        : base(timeProvider)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Timeout = 5, CommandTimeout = 10 };
        Description = $"postgres:{builder.Host}:{builder.Port}/{builder.Database}";
        _dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        _logger = logger;
    }

    public override string Description { get; }

    /// <summary>A request id that stands for "recheck every held call" (after the listener reconnected).</summary>
    public const string Everything = "*";

    protected override string LockRow => " FOR UPDATE";

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (_ready)
        {
            return connection;
        }

        try
        {
            await _schema.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (!_ready)
                {
                    await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                    await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, transaction) { Parameters = { new() { Value = SchemaLock } } })
                    {
                        await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    await using (var schema = new NpgsqlCommand(SchemaText, connection, transaction))
                    {
                        await schema.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    _ready = true;
                }
            }
            finally
            {
                _schema.Release();
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    protected override async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await ((NpgsqlConnection)connection).BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

    protected override async Task NotifyAsync(DbConnection connection, DbTransaction transaction, string id, CancellationToken cancellationToken)
    {
        await using var notify = Command(connection, transaction, "SELECT pg_notify(@channel, @id)", ("channel", Channel), ("id", id));
        await notify.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async Task StartListeningAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            _listener = Task.Run(() => ListenAsync(_stop.Token), CancellationToken.None);
        }

        try
        {
            // Not listening yet (the database is away): the holder's periodic recheck covers the gap.
            await _listening.Task.WaitAsync(TimeSpan.FromSeconds(5), TimeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
    }

    private async Task ListenAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync(stop).ConfigureAwait(false);
                connection.Notification += (_, e) => RaiseChanged(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stop).ConfigureAwait(false);
                }

                ApprovalLog.Listening(_logger, Description);
                if (!_listening.TrySetResult())
                {
                    // Reconnected: whatever was announced meanwhile was missed.
                    RaiseChanged(Everything);
                }

                while (true)
                {
                    await connection.WaitAsync(stop).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
            {
                ApprovalLog.ListenFailed(_logger, Description, ex);
                try
                {
                    await Task.Delay(ReconnectDelay, TimeProvider, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_listener is { } listener)
        {
            await listener.ConfigureAwait(false);
        }

        await _dataSource.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
        _schema.Dispose();
    }
}
