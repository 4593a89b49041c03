using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;
using McpGateway.Core.Recording;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace McpGateway.Inspectors.Recording;

/// <summary>
/// The SQLite store's records for <c>audit verify</c>, fast: a reader task steps the rows with the raw SQLite API and
/// writes each one's leaf bytes straight from its columns (no strings, no record objects), a few thousand rows to an
/// <see cref="AuditChainBatch"/>, while the verifier hashes and checks the batch before (three batches take turns).
/// </summary>
internal static class SqliteChainReader
{
    private static readonly AuditEventKind[] KindValues = Enum.GetValues<AuditEventKind>();

    private static readonly byte[][] Kinds = [.. KindValues.Select(k => Encoding.UTF8.GetBytes(AuditEventKinds.ToText(k)))];

    public static async IAsyncEnumerable<AuditChainBatch> ReadAsync(string path, long fromSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var full = Channel.CreateBounded<AuditChainBatch>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
        var free = Channel.CreateUnbounded<AuditChainBatch>();
        for (var i = 0; i < 3; i++)
        {
            free.Writer.TryWrite(new AuditChainBatch());
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(() => Produce(path, fromSequence, full.Writer, free.Reader, stop.Token), CancellationToken.None);
        try
        {
            await foreach (var batch in full.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return batch;
                batch.Clear();
                free.Writer.TryWrite(batch);
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            free.Writer.TryComplete();
            try
            {
                await producer.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // Stopped early: the verifier left the loop.
            }
        }
    }

    private static async Task Produce(string path, long fromSequence, ChannelWriter<AuditChainBatch> full, ChannelReader<AuditChainBatch> free, CancellationToken cancellationToken)
    {
        try
        {
            // Opened with the raw API and no mutex: this task is the connection's only user, and every column read
            // would otherwise take the connection's lock.
            var rc = raw.sqlite3_open_v2(path, out var db, raw.SQLITE_OPEN_READONLY | raw.SQLITE_OPEN_NOMUTEX, null);
            using var owned = db;
            if (rc != raw.SQLITE_OK)
            {
                SqliteException.ThrowExceptionForRC(rc, db);
            }

            raw.sqlite3_busy_timeout(db, (int)SqliteAuditStore.BusyTimeout.TotalMilliseconds);
            rc = raw.sqlite3_prepare_v2(db, $"SELECT {AuditColumns.List} FROM audit_records WHERE seq >= ? ORDER BY seq", out var statement);
            if (rc != raw.SQLITE_OK)
            {
                SqliteException.ThrowExceptionForRC(rc, db);
            }

            using (statement)
            {
                raw.sqlite3_bind_int64(statement, 1, fromSequence);
                var handle = statement.DangerousGetHandle();
                var hashes = (Previous: new byte[AuditHashChain.HashSize], Own: new byte[AuditHashChain.HashSize]);
                var batch = await free.ReadAsync(cancellationToken).ConfigureAwait(false);
                while ((rc = raw.sqlite3_step(statement)) == raw.SQLITE_ROW)
                {
                    Row(statement, handle, batch, hashes);
                    if (batch.IsFull)
                    {
                        await full.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
                        batch = await free.ReadAsync(cancellationToken).ConfigureAwait(false);
                    }
                }

                if (rc != raw.SQLITE_DONE)
                {
                    SqliteException.ThrowExceptionForRC(rc, db);
                }

                if (batch.Count > 0)
                {
                    await full.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
                }
            }

            full.TryComplete();
        }
        catch (Exception ex)
        {
            full.TryComplete(ex);
            throw;
        }
    }

    /// <summary>
    /// One row: its place in the chain, and <c>0x00 || leaf</c> in the current format, field by field from the columns
    /// (read on the statement's raw <paramref name="handle"/>, <see cref="SqliteNativeColumns"/>).
    /// </summary>
    private static void Row(sqlite3_stmt row, IntPtr handle, AuditChainBatch batch, (byte[] Previous, byte[] Own) hashes)
    {
        var time = SqliteNativeColumns.Int64(handle, 1);
        batch.BeginRow(SqliteNativeColumns.Int64(handle, 0), time, Hash(row, handle, 24, hashes.Previous), Hash(row, handle, 25, hashes.Own));
        var output = batch.Leaves;
        var head = output.GetSpan(1 + 1 + 8 + 8);
        head[0] = 0x00;
        head[1] = 2;
        BinaryPrimitives.WriteInt64BigEndian(head[2..], time);
        BinaryPrimitives.WriteInt64BigEndian(head[10..], Kind(raw.sqlite3_column_blob(row, 2)));
        output.Advance(18);
        for (var column = 3; column <= 11; column++)
        {
            Value(handle, column, output);
        }

        Integer(handle, 12, output);
        for (var column = 13; column <= 19; column++)
        {
            Value(handle, column, output);
        }

        Integer(handle, 20, output);
        Integer(handle, 21, output);
        Value(handle, 22, output);
        Value(handle, 23, output);
        batch.EndRow();
    }

    /// <summary>A stored hash: copied into <paramref name="scratch"/> when it has a hash's length, else as stored (the batch marks a wrong length).</summary>
    private static ReadOnlySpan<byte> Hash(sqlite3_stmt row, IntPtr handle, int column, byte[] scratch) =>
        SqliteNativeColumns.Copy(handle, column, scratch) == scratch.Length ? scratch : raw.sqlite3_column_blob(row, column);

    /// <summary>A text or bytes column: presence byte, 8-byte length, the bytes as stored (UTF-8 for text).</summary>
    private static void Value(IntPtr row, int column, System.Buffers.ArrayBufferWriter<byte> output)
    {
        var length = SqliteNativeColumns.Append(row, column, output, 9, out var header);
        if (length < 0)
        {
            output.GetSpan(1)[0] = 0;
            output.Advance(1);
            return;
        }

        header[0] = 1;
        BinaryPrimitives.WriteInt64BigEndian(header[1..], length);
        output.Advance(9 + length);
    }

    private static void Integer(IntPtr row, int column, System.Buffers.ArrayBufferWriter<byte> output)
    {
        if (SqliteNativeColumns.IsNull(row, column))
        {
            output.GetSpan(1)[0] = 0;
            output.Advance(1);
            return;
        }

        var span = output.GetSpan(9);
        span[0] = 1;
        BinaryPrimitives.WriteInt64BigEndian(span[1..], SqliteNativeColumns.Int64(row, column));
        output.Advance(9);
    }

    /// <summary>The kind's number; an unknown spelling gets -1, which no record hashes with.</summary>
    private static long Kind(ReadOnlySpan<byte> text)
    {
        for (var i = 0; i < Kinds.Length; i++)
        {
            if (text.SequenceEqual(Kinds[i]))
            {
                return (long)KindValues[i];
            }
        }

        return -1;
    }
}
