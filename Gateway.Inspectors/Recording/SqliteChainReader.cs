using System.Runtime.CompilerServices;
using System.Threading.Channels;
using McpGateway.Core.Recording;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace McpGateway.Inspectors.Recording;

/// <summary>
/// The SQLite store's records for <c>audit verify</c>, fast and on every core. One reader per core, each on its own
/// connection, takes ranges of sequence numbers in turn (<see cref="SqliteChainChunks"/>), steps their rows with the raw
/// SQLite API, writes each one's leaf bytes straight from its columns (<see cref="SqliteChainRows"/>) into a batch and
/// hashes the batch where it filled it; the verifier takes the batches in sequence order, so it sees exactly what one
/// reader would. Each reader holds one read transaction from the start to the end, so records appended or purged
/// meanwhile are not seen; the records up to the first reader's head are the same for all of them, unless a purge was
/// committed between their starts, and a reader whose transaction shows another lowest record (or a lower head) is not
/// used. Records are only ever appended after the head or purged from the front, so the lowest and highest sequence
/// numbers tell whether the readers see the same records.
/// </summary>
internal static class SqliteChainReader
{
    /// <summary>
    /// At most this many readers: the verifier's own loop over the batches is one thread, which a few readers already
    /// keep busy, and each reader holds up to two batches of a few MB.
    /// </summary>
    private const int MostReaders = 8;

    public static IAsyncEnumerable<AuditChainBatch> ReadAsync(string path, long fromSequence, CancellationToken cancellationToken) =>
        ReadAsync(path, fromSequence, Math.Min(Environment.ProcessorCount, MostReaders), cancellationToken);

    /// <param name="readers">At most this many readers (fewer when a purge lands while they start).</param>
    internal static async IAsyncEnumerable<AuditChainBatch> ReadAsync(string path, long fromSequence, int readers, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(readers, 1);
        var (connections, head) = await Task.Run(() => Open(path, readers), cancellationToken).ConfigureAwait(false);
        try
        {
            if (head is not { } last)
            {
                yield break;
            }

            var chunks = new SqliteChainChunks(fromSequence, last);
            var free = Channel.CreateUnbounded<AuditChainBatch>();
            for (var i = 0; i <= 2 * connections.Count; i++)
            {
                free.Writer.TryWrite(new AuditChainBatch());
            }

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var workers = Task.WhenAll(connections.Select(db => Task.Run(() => ReadChunksAsync(db, chunks, free.Reader, stop.Token), CancellationToken.None)));
            _ = workers.ContinueWith(done => chunks.Complete(done.Exception?.InnerException), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            try
            {
                await foreach (var chunk in chunks.Claimed.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    var batch = await chunk.Read.ConfigureAwait(false);
                    if (batch.Count > 0)
                    {
                        yield return batch;
                    }

                    batch.Clear();
                    free.Writer.TryWrite(batch);
                }
            }
            finally
            {
                chunks.Stop();
                await stop.CancelAsync().ConfigureAwait(false);

                // A reader's failure already reached the verifier, through its range or the end of the ranges.
                await workers.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
        finally
        {
            for (var i = connections.Count - 1; i >= 0; i--)
            {
                connections[i].Dispose();
            }
        }
    }

    /// <summary>
    /// The readers' connections, each in a read transaction that sees the first one's records, and the highest sequence
    /// number the first sees (null: no records).
    /// </summary>
    private static (List<sqlite3> Connections, long? Head) Open(string path, int readers)
    {
        var connections = new List<sqlite3>(readers);
        try
        {
            var first = Connect(path, connections);
            var (lowest, head) = Begin(first);
            while (connections.Count < readers)
            {
                var other = Connect(path, connections);
                var (otherLowest, otherHead) = Begin(other);
                if (otherLowest != lowest || otherHead < head)
                {
                    // A purge (or a cut) was committed in between: this reader would see other records.
                    connections.Remove(other);
                    other.Dispose();
                    break;
                }
            }

            return (connections, head);
        }
        catch
        {
            for (var i = connections.Count - 1; i >= 0; i--)
            {
                connections[i].Dispose();
            }

            throw;
        }
    }

    /// <summary>
    /// Opened with the raw API and no mutex: each connection has one user at a time (a reader), and every column read
    /// would otherwise take the connection's lock.
    /// </summary>
    private static sqlite3 Connect(string path, List<sqlite3> connections)
    {
        var rc = raw.sqlite3_open_v2(path, out var db, raw.SQLITE_OPEN_READONLY | raw.SQLITE_OPEN_NOMUTEX, null);
        connections.Add(db);
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, db);
        }

        raw.sqlite3_busy_timeout(db, (int)SqliteAuditStore.BusyTimeout.TotalMilliseconds);
        return db;
    }

    /// <summary>Starts a read transaction that lasts until the connection closes; returns the lowest and highest sequence numbers it sees.</summary>
    private static (long? Lowest, long? Highest) Begin(sqlite3 db)
    {
        Execute(db, "BEGIN");
        using var statement = Prepare(db, "SELECT MIN(seq), MAX(seq) FROM audit_records");
        var rc = raw.sqlite3_step(statement);
        if (rc != raw.SQLITE_ROW)
        {
            SqliteException.ThrowExceptionForRC(rc, db);
        }

        return raw.sqlite3_column_type(statement, 0) == raw.SQLITE_NULL
            ? (null, null)
            : (raw.sqlite3_column_int64(statement, 0), raw.sqlite3_column_int64(statement, 1));
    }

    /// <summary>One reader: claims ranges while there are free batches and ranges left, fills and hashes each.</summary>
    private static async Task ReadChunksAsync(sqlite3 db, SqliteChainChunks chunks, ChannelReader<AuditChainBatch> free, CancellationToken cancellationToken)
    {
        try
        {
            using var rows = Prepare(db, $"SELECT {AuditColumns.List} FROM audit_records WHERE seq BETWEEN ?1 AND ?2 ORDER BY seq");
            using var next = Prepare(db, "SELECT MIN(seq) FROM audit_records WHERE seq > ?1");
            var hashes = (new byte[AuditHashChain.HashSize], new byte[AuditHashChain.HashSize]);
            while (chunks.Claim(await free.ReadAsync(cancellationToken).ConfigureAwait(false)) is { } chunk)
            {
                try
                {
                    Fill(db, rows, chunk, hashes);
                    if (chunk.Batch.Count == 0)
                    {
                        chunks.SkipTo(Next(db, next, chunk.Last));
                    }

                    chunk.Batch.HashHere();
                    chunk.Complete();
                }
                catch (Exception ex)
                {
                    chunk.Fail(ex);
                    throw;
                }
            }
        }
        catch
        {
            chunks.Stop();
            throw;
        }
    }

    private static void Fill(sqlite3 db, sqlite3_stmt rows, SqliteChainChunk chunk, (byte[] Previous, byte[] Own) hashes)
    {
        raw.sqlite3_reset(rows);
        raw.sqlite3_bind_int64(rows, 1, chunk.First);
        raw.sqlite3_bind_int64(rows, 2, chunk.Last);
        var handle = rows.DangerousGetHandle();
        int rc;
        while ((rc = SqliteNativeColumns.Step(handle)) == raw.SQLITE_ROW)
        {
            SqliteChainRows.Read(rows, handle, chunk.Batch, hashes);
        }

        if (rc != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(rc, db);
        }
    }

    /// <summary>The first sequence number after <paramref name="after"/> that has a record; <see cref="long.MaxValue"/> for none.</summary>
    private static long? Next(sqlite3 db, sqlite3_stmt next, long after)
    {
        raw.sqlite3_reset(next);
        raw.sqlite3_bind_int64(next, 1, after);
        var rc = raw.sqlite3_step(next);
        if (rc != raw.SQLITE_ROW)
        {
            SqliteException.ThrowExceptionForRC(rc, db);
        }

        return raw.sqlite3_column_type(next, 0) == raw.SQLITE_NULL ? null : raw.sqlite3_column_int64(next, 0);
    }

    private static sqlite3_stmt Prepare(sqlite3 db, string sql)
    {
        var rc = raw.sqlite3_prepare_v2(db, sql, out var statement);
        if (rc != raw.SQLITE_OK)
        {
            statement.Dispose();
            SqliteException.ThrowExceptionForRC(rc, db);
        }

        return statement;
    }

    private static void Execute(sqlite3 db, string sql)
    {
        var rc = raw.sqlite3_exec(db, sql);
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, db);
        }
    }
}
