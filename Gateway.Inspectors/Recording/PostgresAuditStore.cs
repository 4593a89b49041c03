using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using McpGateway.Core.Recording;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace McpGateway.Inspectors.Recording;

/// <summary>
/// The audit store for gateways that run as several instances: one shared table set in PostgreSQL. Each batch takes a
/// transaction-scoped advisory lock, reads the chain head and appends after it, so instances interleave whole batches
/// on one chain, and grows the log's Merkle tree in the same transaction (<see cref="AuditTreeStorage"/>). Group commit as
/// for SQLite; a batch that fails is rolled back and its frames refused.
/// </summary>
internal sealed class PostgresAuditStore : IAuditStore, IAuditBatchSink, IAsyncDisposable
{
    /// <summary>The advisory lock every instance appends under ("mcpgw-au").</summary>
    private const long ChainLock = 0x6d63_7067_772d_6175;

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
    private readonly GroupCommitWriter _writer;
    private bool _schemaReady;

    /// <summary>The tree's right edge after this instance's last commit; reloaded when another instance appended since.</summary>
    private MerkleFrontier? _tree;

    public PostgresAuditStore(string connectionString, int queueCapacity, TimeSpan enqueueTimeout, TimeProvider timeProvider, ILogger logger, Meter? meter = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Timeout = 5, CommandTimeout = 5 };
        Description = $"postgres:{builder.Host}:{builder.Port}/{builder.Database}";
        _dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        _writer = new GroupCommitWriter(this, queueCapacity, enqueueTimeout, timeProvider, logger, meter);
    }

    public string Description { get; }

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
            await using var probe = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, transaction) { Parameters = { new() { Value = ChainLock } } };
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
        await LockAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        var (sequence, hash) = await HeadAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        await using var insert = new NpgsqlBatch(connection, transaction);
        if (!SyncCommits)
        {
            insert.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL synchronous_commit = off"));
        }

        if (_tree?.Size != sequence)
        {
            _tree = await PostgresAuditTree.LoadAsync(connection, transaction, sequence, cancellationToken).ConfigureAwait(false);
        }

        var tree = _tree;
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
            var command = new NpgsqlBatchCommand(Insert);
            foreach (var value in AuditColumns.Values(new StoredAuditRecord(sequence, record, prev, hash)))
            {
                command.Parameters.Add(new NpgsqlParameter { Value = value });
            }

            insert.BatchCommands.Add(command);
        }

        insert.BatchCommands.Add(PostgresAuditTree.Head(tree));
        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Serializes appenders across instances; creates the tables on first use (also under the lock).</summary>
    private async Task LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, transaction) { Parameters = { new() { Value = ChainLock } } })
        {
            await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        if (!_schemaReady)
        {
            await using var schema = new NpgsqlCommand(Schema + PostgresAuditTree.Schema, connection, transaction);
            await schema.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            _schemaReady = true;
        }
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
