using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using McpGateway.Core.Recording;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace McpGateway.Inspectors.Recording;

/// <summary>
/// The embedded audit store: one SQLite file in WAL mode, synchronous FULL, written by the group-commit writer alone
/// (and its log checkpointed by <see cref="SqliteWalCheckpointer"/>).
/// The connection is opened on first use and reopened after a failure, so the store recovers by itself when the file
/// becomes writable again (a full disk, a read-only directory, a lock held by another process).
/// </summary>
internal sealed class SqliteAuditStore : IAuditStore, IAuditBatchSink, IAsyncDisposable
{
    /// <summary>How long a commit waits for a lock held elsewhere before it fails.</summary>
    public static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(1);

    private readonly string _path;
    private readonly ILogger _logger;
    private readonly GroupCommitWriter _writer;
    private SqliteConnection? _connection;
    private SqliteAppender? _appender;
    private readonly TimeProvider _timeProvider;
    private SqliteWalCheckpointer? _walCheckpointer;
    private long _headSequence;

    public SqliteAuditStore(string path, int queueCapacity, TimeSpan enqueueTimeout, TimeProvider timeProvider, ILogger logger, Meter? meter = null)
    {
        _path = path;
        _logger = logger;
        _timeProvider = timeProvider;
        _writer = new GroupCommitWriter(this, queueCapacity, enqueueTimeout, timeProvider, logger, meter);
    }

    public string Description => $"sqlite:{_path}";

    /// <summary>True (default): synchronous FULL, each commit is on the disk. False: NORMAL, it survives a gateway crash but not a power loss.</summary>
    public bool SyncCommits { get; init; } = true;

    public bool IsAvailable => _writer.IsAvailable;

    public ValueTask AppendAsync(AuditRecord record, CancellationToken cancellationToken) => _writer.AppendAsync(record, cancellationToken);

    public static string ConnectionString(string path, SqliteOpenMode mode) => new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = mode,
        Pooling = false,
        DefaultTimeout = (int)BusyTimeout.TotalSeconds,
    }.ToString();

    public async Task<bool> ProbeAsync(CancellationToken cancellationToken)
    {
        if (_writer.IsAvailable)
        {
            return true;
        }

        try
        {
            // The file may not exist yet (its directory was not writable); creating it is what the writer would do.
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            await using var probe = new SqliteConnection(ConnectionString(_path, SqliteOpenMode.ReadWriteCreate));
            await probe.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (var transaction = (SqliteTransaction)await probe.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
            {
                // A write that changes nothing still needs the write lock and a writable journal.
                await using var touch = probe.CreateCommand();
                touch.Transaction = transaction;
                touch.CommandText = SqliteAuditSchema.Create + "UPDATE audit_records SET seq = seq WHERE seq = 0;";
                await touch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }

            _writer.MarkAvailable();
            return true;
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    Task IAuditBatchSink.CommitAsync(IReadOnlyList<AuditRecord> batch, CancellationToken cancellationToken) =>
        ((IAuditBatchSink)this).CommitSealedAsync(batch.Select(SealedAuditRecord.Seal).ToList(), cancellationToken);

    async Task IAuditBatchSink.CommitSealedAsync(IReadOnlyList<SealedAuditRecord> batch, CancellationToken cancellationToken)
    {
        try
        {
            if (_connection is null)
            {
                await OpenAsync(cancellationToken).ConfigureAwait(false);
            }

            (_headSequence, _) = _appender!.Append(batch);
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            // Reopened (and the head reread) on the next batch; closing rolls back what the failed batch wrote.
            await CloseAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        var connection = new SqliteConnection(ConnectionString(_path, SqliteOpenMode.ReadWriteCreate));
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            // The log is checkpointed by its own thread (the automatic checkpoint stays as a backstop), and the pages an
            // append touches (the tail of the table, the session index's leaves of every live session) stay cached.
            await ExecuteAsync(connection, $"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds}; PRAGMA journal_mode = WAL; PRAGMA synchronous = {(SyncCommits ? "FULL" : "NORMAL")}; "
                + $"PRAGMA wal_autocheckpoint = {SqliteWalCheckpointer.BackstopPages}; PRAGMA cache_size = -16384;", cancellationToken).ConfigureAwait(false);
            await SqliteAuditSchema.EnsureAsync(connection, cancellationToken).ConfigureAwait(false);
            await using (var head = connection.CreateCommand())
            {
                head.CommandText = "SELECT seq, hash FROM audit_records ORDER BY seq DESC LIMIT 1";
                await using var reader = await head.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                _headSequence = await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? reader.GetInt64(0) : 0;
            }

            _appender = new SqliteAppender(connection);
            _connection = connection;
            _walCheckpointer ??= new SqliteWalCheckpointer(_path, SyncCommits, _timeProvider, _logger);
            RecordingLog.StoreOpened(_logger, Description, _headSequence);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task CloseAsync()
    {
        // The statements go before the connection they were prepared on.
        _appender?.Dispose();
        _appender = null;

        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
            _connection = null;
        }
    }

    public async IAsyncEnumerable<StoredAuditRecord> ReadAsync(long fromSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(ConnectionString(_path, SqliteOpenMode.ReadOnly));
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var record in ReadAllAsync(connection, fromSequence, cancellationToken).ConfigureAwait(false))
        {
            yield return record;
        }
    }

    /// <summary>Reads the records of an open connection in <c>seq</c> order, as stored (verification recomputes the hashes).</summary>
    public static async IAsyncEnumerable<StoredAuditRecord> ReadAllAsync(SqliteConnection connection, long fromSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {AuditColumns.List} FROM audit_records WHERE seq >= $from ORDER BY seq";
        command.Parameters.AddWithValue("$from", fromSequence);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return AuditColumns.Read(reader);
        }
    }

    public async Task<(long Sequence, byte[] Hash)> ReadHeadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(_path))
        {
            return (0, AuditHashChain.Genesis);
        }

        await using var connection = new SqliteConnection(ConnectionString(_path, SqliteOpenMode.ReadOnly));
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var head = connection.CreateCommand();
        head.CommandText = "SELECT seq, hash FROM audit_records ORDER BY seq DESC LIMIT 1";
        await using var reader = await head.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? (reader.GetInt64(0), Blob(reader, 1)) : (0, AuditHashChain.Genesis);
    }

    public async Task AppendCheckpointAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        await using var connection = await OpenForCheckpointAsync(cancellationToken).ConfigureAwait(false);
        await InsertCheckpointAsync(connection, null, checkpoint, cancellationToken).ConfigureAwait(false);
    }

    public Task<AuditCheckpoint> AppendLinkedCheckpointAsync(Func<long, byte[], AuditCheckpoint?, AuditCheckpoint> sign, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sign);
        return AppendHeadAsync((size, hash, _, previous) => sign(size, hash, previous), tree: false, cancellationToken);
    }

    public Task<AuditCheckpoint> AppendTreeHeadAsync(Func<AuditTreeHead, AuditCheckpoint?, AuditCheckpoint> sign, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sign);
        return AppendHeadAsync((size, hash, root, previous) => sign(new AuditTreeHead(size, hash, root!), previous), tree: true, cancellationToken);
    }

    private async Task<AuditCheckpoint> AppendHeadAsync(Func<long, byte[], byte[]?, AuditCheckpoint?, AuditCheckpoint> sign, bool tree, CancellationToken cancellationToken)
    {
        await using var connection = await OpenForCheckpointAsync(cancellationToken).ConfigureAwait(false);

        // BEGIN IMMEDIATE: the write lock from the head's read to the insert, as the appender holds it.
        await using var transaction = connection.BeginTransaction(deferred: false);
        (long Sequence, byte[] Hash) head = (0, AuditHashChain.Genesis);
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = "SELECT seq, hash FROM audit_records ORDER BY seq DESC LIMIT 1";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                head = (reader.GetInt64(0), Blob(reader, 1));
            }
        }

        AuditCheckpoint? previous = null;
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = $"SELECT {CheckpointColumns.List} FROM audit_checkpoints WHERE counter IS NOT NULL ORDER BY counter DESC LIMIT 1";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                previous = CheckpointColumns.Read(reader, linked: true);
            }
        }

        var root = tree ? SqliteAuditTree.Load(connection, transaction, head.Sequence).Root() : null;
        var checkpoint = sign(head.Sequence, head.Hash, root, previous);
        await InsertCheckpointAsync(connection, transaction, checkpoint, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return checkpoint;
    }

    public async Task<byte[]?> ReadTreeNodeAsync(int level, long index, CancellationToken cancellationToken)
    {
        if (!File.Exists(_path))
        {
            return null;
        }

        await using var connection = new SqliteConnection(ConnectionString(_path, SqliteOpenMode.ReadOnly));
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await SqliteAuditTree.ReadNodeAsync(connection, level, index, cancellationToken).ConfigureAwait(false);
    }

    private async Task<SqliteConnection> OpenForCheckpointAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        var connection = new SqliteConnection(ConnectionString(_path, SqliteOpenMode.ReadWriteCreate));
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, $"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds};", cancellationToken).ConfigureAwait(false);
            await SqliteAuditSchema.EnsureAsync(connection, cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task InsertCheckpointAsync(SqliteConnection connection, SqliteTransaction? transaction, AuditCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = $"INSERT INTO audit_checkpoints ({CheckpointColumns.List}) VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7, $p8)";
        var values = CheckpointColumns.Values(checkpoint);
        for (var i = 0; i < values.Length; i++)
        {
            insert.Parameters.AddWithValue("$p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), values[i]);
        }

        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<AuditCheckpoint> ReadCheckpointsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(ConnectionString(_path, SqliteOpenMode.ReadOnly));
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        foreach (var checkpoint in await ReadCheckpointsAsync(connection, cancellationToken).ConfigureAwait(false))
        {
            yield return checkpoint;
        }
    }

    /// <summary>Every checkpoint of an open connection, oldest first; none when the table does not exist yet.</summary>
    public static async Task<List<AuditCheckpoint>> ReadCheckpointsAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var checkpoints = new List<AuditCheckpoint>();
        await using var exists = connection.CreateCommand();
        exists.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'audit_checkpoints'";
        if (Convert.ToInt64(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            return checkpoints;
        }

        var linked = await SqliteAuditSchema.HasLinkedCheckpointsAsync(connection, cancellationToken).ConfigureAwait(false);
        var columns = !linked ? CheckpointColumns.Legacy
            : await SqliteAuditSchema.HasTreeHeadsAsync(connection, cancellationToken).ConfigureAwait(false) ? CheckpointColumns.List : CheckpointColumns.WithoutRoot;
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {columns} FROM audit_checkpoints ORDER BY id";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            checkpoints.Add(CheckpointColumns.Read(reader, linked));
        }

        return checkpoints;
    }

    public async Task<(long Purged, long FirstSequence)> PurgeAsync(long? beforeTimeMicros, long? keepRecords, Func<long, byte[], AuditAnchor> sign, IProgress<AuditProgress>? progress, CancellationToken cancellationToken)
    {
        if (!File.Exists(_path))
        {
            return (0, 0);
        }

        // Its own connection: each chunk is a short write transaction between the writer's commits.
        await using var connection = new SqliteConnection(ConnectionString(_path, SqliteOpenMode.ReadWrite));
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, $"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds};", cancellationToken).ConfigureAwait(false);
        await SqliteAuditSchema.EnsureAsync(connection, cancellationToken).ConfigureAwait(false);
        return await AuditPurger.PurgeAsync(connection, beforeTimeMicros, keepRecords, sign, new AuditTreeReader(this).EdgeAsync, progress, cancellationToken).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<AuditAnchor> ReadAnchorsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(ConnectionString(_path, SqliteOpenMode.ReadOnly));
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        foreach (var anchor in await ReadAnchorsAsync(connection, cancellationToken).ConfigureAwait(false))
        {
            yield return anchor;
        }
    }

    /// <summary>Every retention anchor of an open connection, oldest first; none when the table does not exist yet.</summary>
    public static async Task<List<AuditAnchor>> ReadAnchorsAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var exists = connection.CreateCommand();
        exists.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'audit_anchors'";
        return Convert.ToInt64(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) == 0
            ? []
            : await AuditPurger.ReadAnchorsAsync(connection, cancellationToken).ConfigureAwait(false);
    }

    private static byte[] Blob(SqliteDataReader reader, int ordinal) => AuditColumns.Blob(reader, ordinal);

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync().ConfigureAwait(false);
        if (_walCheckpointer is not null)
        {
            await _walCheckpointer.DisposeAsync().ConfigureAwait(false);
        }

        await CloseAsync().ConfigureAwait(false);
    }
}
