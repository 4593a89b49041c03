using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using McpGateway.Core.Configuration;
using McpGateway.Core.Recording;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace McpGateway.Inspectors.Recording;

/// <summary>
/// The audit store for gateways that run as several instances, in one shared PostgreSQL: each instance writes its own
/// log (<see cref="PostgresAuditLogs"/>), so instances never wait for each other. Each batch takes its log's
/// transaction-scoped advisory lock (uncontended unless two writers share a log id, e.g. <c>mcpgw audit query</c> on the
/// instance's host: then they interleave whole batches on one chain), reads the log's head, appends after it with one
/// binary <c>COPY</c> (<see cref="PostgresRecordCopy"/>), and grows the log's Merkle tree in the same transaction
/// (<see cref="AuditTreeStorage"/>). Group commit as for SQLite; a batch that fails is rolled back and its frames refused.
/// </summary>
internal sealed class PostgresAuditStore : IAuditStore, IAuditBatchSink, IAsyncDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS audit_records (
            seq BIGINT PRIMARY KEY, time_us BIGINT NOT NULL, kind TEXT NOT NULL, session_id TEXT NOT NULL,
            subject TEXT, client_id TEXT, groups TEXT, token_hash TEXT, connection TEXT, remote_address TEXT, protocol_version TEXT,
            direction TEXT, frame_seq BIGINT, message_kind TEXT, rpc_id TEXT, method TEXT, tool TEXT, verdict TEXT, inspector TEXT,
            reason TEXT, error_code INTEGER, size BIGINT, payload_sha256 TEXT, payload BYTEA, prev_hash BYTEA NOT NULL, hash BYTEA NOT NULL);
        CREATE INDEX IF NOT EXISTS audit_records_session ON audit_records (session_id, seq);
        CREATE TABLE IF NOT EXISTS audit_checkpoints (
            id BIGSERIAL PRIMARY KEY, seq BIGINT NOT NULL, hash BYTEA NOT NULL, time_us BIGINT NOT NULL, signature BYTEA NOT NULL);
        ALTER TABLE audit_checkpoints ADD COLUMN IF NOT EXISTS counter BIGINT, ADD COLUMN IF NOT EXISTS prev_digest BYTEA,
            ADD COLUMN IF NOT EXISTS kind TEXT, ADD COLUMN IF NOT EXISTS interval_ms BIGINT;
        CREATE TABLE IF NOT EXISTS audit_anchors (
            id BIGSERIAL PRIMARY KEY, seq BIGINT NOT NULL, prev_hash BYTEA NOT NULL, time_us BIGINT NOT NULL, signature BYTEA NOT NULL);
        """;

    private static readonly string Insert =
        $"INSERT INTO audit_records ({AuditColumns.List}) VALUES ({string.Join(", ", AuditColumns.Names.Select((_, i) => "$" + (i + 1)))})";

    private readonly NpgsqlDataSource _dataSource;
    private readonly long _lockKey;
    private readonly string _schema;
    private readonly GroupCommitWriter _writer;
    private bool _schemaReady;

    /// <summary>The tree's right edge after this instance's last commit; reloaded when another instance appended since.</summary>
    private MerkleFrontier? _tree;

    /// <param name="logId">The log this store appends to and reads (<see cref="AuditSettings.LogId"/>).</param>
    public PostgresAuditStore(string connectionString, int queueCapacity, TimeSpan enqueueTimeout, TimeProvider timeProvider, ILogger logger, Meter? meter = null, string logId = AuditSettings.LegacyLogId)
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgresAuditLogs.ConnectionString(connectionString, logId)) { Timeout = 5, CommandTimeout = 5 };
        LogId = logId;
        Description = $"postgres:{builder.Host}:{builder.Port}/{builder.Database} log {logId}";
        _lockKey = PostgresAuditLogs.LockKey(logId);
        _schema = PostgresAuditLogs.Schema(logId);
        _dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        _writer = new GroupCommitWriter(this, queueCapacity, enqueueTimeout, timeProvider, logger, meter);
    }

    public string Description { get; }

    public string LogId { get; }

    /// <summary>True (default): a batch's records go in by one binary <c>COPY</c>; false: one <c>INSERT</c> per record in one batch (measured slower).</summary>
    public bool AppendByCopy { get; init; } = true;

    /// <summary>True (default): synchronous_commit as the server says (on). False: off, a commit survives a gateway crash but not a database crash.</summary>
    public bool SyncCommits { get; init; } = true;

    public bool IsAvailable => _writer.IsAvailable;

    public ValueTask AppendAsync(AuditRecord record, CancellationToken cancellationToken) => _writer.AppendAsync(record, cancellationToken);

    public async Task<bool> ProbeAsync(CancellationToken cancellationToken)
    {
        if (_writer.IsAvailable)
        {
            return true;
        }

        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using var probe = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, transaction) { Parameters = { new() { Value = _lockKey } } };
            await probe.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            _writer.MarkAvailable();
            return true;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            return false;
        }
    }

    async Task IAuditBatchSink.CommitAsync(IReadOnlyList<AuditRecord> batch, CancellationToken cancellationToken)
    {
        try
        {
            await CommitBatchAsync(batch, cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // The tables were dropped, or created in a transaction that rolled back: create them again next time.
            _schemaReady = false;
            _tree = null;
            throw;
        }
        catch
        {
            // The edge in memory went ahead of what the rolled-back transaction leaves in the store.
            _tree = null;
            throw;
        }
    }

    private async Task CommitBatchAsync(IReadOnlyList<AuditRecord> batch, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (!_schemaReady)
        {
            await LockAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        }

        var (sequence, hash) = await LockedHeadAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        await using var insert = new NpgsqlBatch(connection, transaction);
        if (_tree?.Size != sequence)
        {
            _tree = await PostgresAuditTree.LoadAsync(connection, transaction, sequence, cancellationToken).ConfigureAwait(false);
        }

        var tree = _tree;
        var stored = AppendByCopy ? new StoredAuditRecord[batch.Count] : null;
        var at = 0;
        foreach (var record in batch)
        {
            sequence++;
            var prev = hash;
            hash = new byte[AuditHashChain.HashSize];
            var leaf = AuditHashChain.LeafHash(record);
            AuditHashChain.Link(prev, sequence, leaf, hash);
            tree.Append(leaf, (level, index, node) =>
            {
                if (level >= AuditTreeStorage.StoredLevel)
                {
                    insert.BatchCommands.Add(PostgresAuditTree.Node(level, index, node));
                }
            });
            if (stored is not null)
            {
                stored[at++] = new StoredAuditRecord(sequence, record, prev, hash);
                continue;
            }

            var command = new NpgsqlBatchCommand(Insert);
            foreach (var value in AuditColumns.Values(new StoredAuditRecord(sequence, record, prev, hash)))
            {
                command.Parameters.Add(new NpgsqlParameter { Value = value });
            }

            insert.BatchCommands.Add(command);
        }

        if (stored is not null)
        {
            await PostgresRecordCopy.WriteAsync(connection, stored, cancellationToken).ConfigureAwait(false);
        }

        insert.BatchCommands.Add(PostgresAuditTree.Head(tree));
        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Serializes the log's appenders; creates the log's schema and tables on first use (also under the lock).</summary>
    private async Task LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, transaction) { Parameters = { new() { Value = _lockKey } } })
        {
            await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        if (!_schemaReady)
        {
            // The log's own schema first (the legacy log's tables are in public): search_path names it, and the
            // unqualified tables below are created in it.
            var create = _schema == "public" ? "" : $"CREATE SCHEMA IF NOT EXISTS {_schema}; SET LOCAL search_path TO {_schema};";
            await using var schema = new NpgsqlCommand(create + Schema + PostgresAuditTree.Schema, connection, transaction);
            await schema.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            _schemaReady = true;
        }
    }

    /// <summary>
    /// The record path's one round trip before the append: the log's lock (and, with <see cref="SyncCommits"/> off, the
    /// transaction's commit mode), then the head, read after the lock is held so no other appender to this log moves it.
    /// </summary>
    private async Task<(long Sequence, byte[] Hash)> LockedHeadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock($1)") { Parameters = { new() { Value = _lockKey } } });
        if (!SyncCommits)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT set_config('synchronous_commit', 'off', true)"));
        }

        batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT seq, hash FROM audit_records ORDER BY seq DESC LIMIT 1"));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        for (var i = 1; i < batch.BatchCommands.Count; i++)
        {
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        }

        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? (reader.GetInt64(0), AuditColumns.Blob(reader, 1)) : (0, AuditHashChain.Genesis);
    }

    private static async Task<(long Sequence, byte[] Hash)> HeadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var head = new NpgsqlCommand("SELECT seq, hash FROM audit_records ORDER BY seq DESC LIMIT 1", connection, transaction);
        await using var reader = await head.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? (reader.GetInt64(0), AuditColumns.Blob(reader, 1)) : (0, AuditHashChain.Genesis);
    }

    public async Task<(long Sequence, byte[] Hash)> ReadHeadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await LockAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        var head = await HeadAsync(connection, transaction, cancellationToken).ConfigureAwait(false);

        // Committed: the lock may have created the tables, and the flag says they exist.
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return head;
    }

    public Task AppendCheckpointAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return AppendLinkedCheckpointAsync((_, _, _) => checkpoint, cancellationToken);
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

    public async Task<byte[]?> ReadTreeNodeAsync(int level, long index, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await EnsureSchemaAsync(connection, cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT hash FROM audit_tree WHERE level = $1 AND idx = $2", connection) { Parameters = { new() { Value = level }, new() { Value = index } } };
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as byte[];
    }

    private async Task<AuditCheckpoint> AppendHeadAsync(Func<long, byte[], byte[]?, AuditCheckpoint?, AuditCheckpoint> sign, bool tree, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Under the appenders' advisory lock: the head and the newest checkpoint cannot move until the commit.
            await LockAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            var (sequence, hash) = await HeadAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            AuditCheckpoint? previous = null;
            await using (var last = new NpgsqlCommand($"SELECT {CheckpointColumns.List} FROM audit_checkpoints WHERE counter IS NOT NULL ORDER BY counter DESC LIMIT 1", connection, transaction))
            await using (var reader = await last.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    previous = CheckpointColumns.Read(reader, linked: true);
                }
            }

            var root = tree ? (await PostgresAuditTree.LoadAsync(connection, transaction, sequence, cancellationToken).ConfigureAwait(false)).Root() : null;
            var checkpoint = sign(sequence, hash, root, previous);
            await using var insert = new NpgsqlCommand($"INSERT INTO audit_checkpoints ({CheckpointColumns.List}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)", connection, transaction);
            foreach (var value in CheckpointColumns.Values(checkpoint))
            {
                insert.Parameters.Add(new NpgsqlParameter { Value = value });
            }

            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return checkpoint;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // The tables were dropped, or created in a transaction that rolled back: create them again next time.
            _schemaReady = false;
            throw;
        }
    }

    public async IAsyncEnumerable<StoredAuditRecord> ReadAsync(long fromSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"SELECT {AuditColumns.List} FROM audit_records WHERE seq >= $1 ORDER BY seq", connection) { Parameters = { new() { Value = fromSequence } } };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return AuditColumns.Read(reader);
        }
    }

    public async IAsyncEnumerable<AuditCheckpoint> ReadCheckpointsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await EnsureSchemaAsync(connection, cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"SELECT {CheckpointColumns.List} FROM audit_checkpoints ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return CheckpointColumns.Read(reader, linked: true);
        }
    }

    public async Task<(long Purged, long FirstSequence)> PurgeAsync(long? beforeTimeMicros, long? keepRecords, Func<long, byte[], AuditAnchor> sign, IProgress<AuditProgress>? progress, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await EnsureSchemaAsync(connection, cancellationToken).ConfigureAwait(false);
        return await AuditPurger.PurgeAsync(connection, beforeTimeMicros, keepRecords, sign, new AuditTreeReader(this).EdgeAsync, progress, cancellationToken).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<AuditAnchor> ReadAnchorsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await EnsureSchemaAsync(connection, cancellationToken).ConfigureAwait(false);
        foreach (var anchor in await AuditPurger.ReadAnchorsAsync(connection, cancellationToken).ConfigureAwait(false))
        {
            yield return anchor;
        }
    }

    private async Task EnsureSchemaAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await LockAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync().ConfigureAwait(false);
        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }
}
