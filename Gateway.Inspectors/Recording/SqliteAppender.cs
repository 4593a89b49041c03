using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using McpGateway.Core.Recording;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace McpGateway.Inspectors.Recording;

/// <summary>
/// The SQLite store's append path, for the group-commit writer alone: statements prepared once per connection
/// (<see cref="RowsPerStatement"/> rows per INSERT, and a one-row INSERT for the remainder), parameters bound by
/// position straight from each record's canonical UTF-8 (encoded once for its hash and its row), and one
/// <c>BEGIN IMMEDIATE</c> ... <c>COMMIT</c> per batch. The chain head is read inside that transaction, under SQLite's
/// write lock, so another writer of the same file (a second process, <c>mcpgw audit query</c> recording its read)
/// appends after it instead of forking the chain. Each record is a leaf of the log's Merkle tree: its leaf bytes and
/// hash are made by whoever made the record, in its own thread (<see cref="SealedAuditRecord"/>); the chain links the leaf hashes,
/// and the tree's right edge grows in the same transaction (completed subtrees of 256 leaves and more, and the edge at
/// the head, see <see cref="AuditTreeStorage"/>). The writer allocates nothing per record.
/// </summary>
internal sealed class SqliteAppender : IDisposable
{
    public const int RowsPerStatement = 32;

    /// <summary>The row's parameters; <see cref="Bind"/> fills them in <see cref="AuditColumns.Names"/> order.</summary>
    private static readonly int Columns = AuditColumns.Names.Length;

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _many;
    private readonly sqlite3_stmt _one;
    private readonly sqlite3_stmt _begin;
    private readonly sqlite3_stmt _head;
    private readonly sqlite3_stmt _commit;
    private readonly sqlite3_stmt _node;
    private readonly sqlite3_stmt _treeHead;
    private readonly SqliteConnection _connection;
    private readonly Action<int, long, byte[]> _onNode;
    private readonly IncrementalHash _sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private MerkleFrontier? _tree;
    private readonly byte[] _link = new byte[AuditHashChain.HashSize + sizeof(long) + AuditHashChain.HashSize];
    private readonly byte[] _prev = new byte[AuditHashChain.HashSize];
    private readonly byte[] _hash = new byte[AuditHashChain.HashSize];

    public SqliteAppender(SqliteConnection connection)
    {
        _connection = connection;
        _db = connection.Handle ?? throw new InvalidOperationException("the audit store's connection is not open");
        _many = Prepare(Insert(RowsPerStatement));
        _one = Prepare(Insert(1));
        _begin = Prepare("BEGIN IMMEDIATE");
        _head = Prepare("SELECT seq, hash FROM audit_records ORDER BY seq DESC LIMIT 1");
        _commit = Prepare("COMMIT");
        _node = Prepare(SqliteAuditTree.InsertNode);
        _treeHead = Prepare(SqliteAuditTree.SaveHead);
        _onNode = StoreNode;
    }

    /// <summary>
    /// Appends <paramref name="batch"/> after the head it reads under the write lock, in one transaction, all or nothing,
    /// and returns the new head. Throws <see cref="SqliteException"/> when the batch could not be committed; the caller
    /// then closes the connection (which rolls back what the transaction wrote).
    /// </summary>
    public (long Sequence, byte[] Hash) Append(IReadOnlyList<SealedAuditRecord> batch)
    {
        try
        {
            return AppendBatch(batch);
        }
        catch
        {
            // The edge in memory went ahead of what the rolled-back transaction leaves in the store.
            _tree = null;
            throw;
        }
    }

    private (long Sequence, byte[] Hash) AppendBatch(IReadOnlyList<SealedAuditRecord> batch)
    {
        Step(_begin);

        // Every parameter starts NULL (a failed batch may have left values bound); NULL values are then not bound at all.
        Check(raw.sqlite3_clear_bindings(_many));
        Check(raw.sqlite3_clear_bindings(_one));
        var sequence = ReadHead();
        if (_tree?.Size != sequence)
        {
            // Another writer appended since (or this is the first batch): the edge stored with the head is current.
            _tree = SqliteAuditTree.Load(_connection, null, sequence);
        }

        var index = 0;
        while (batch.Count - index >= RowsPerStatement)
        {
            for (var row = 0; row < RowsPerStatement; row++)
            {
                Bind(_many, row * Columns, ++sequence, batch[index++]);
            }

            StepRows(_many);
        }

        while (index < batch.Count)
        {
            Bind(_one, 0, ++sequence, batch[index++]);
            StepRows(_one);
        }

        Check(raw.sqlite3_bind_int64(_treeHead, 1, _tree.Size));
        Check(raw.sqlite3_bind_blob(_treeHead, 2, _tree.Serialize()));
        Step(_treeHead);
        Step(_commit);
        return (sequence, _hash.ToArray());
    }

    private void StoreNode(int level, long index, byte[] hash)
    {
        if (level < AuditTreeStorage.StoredLevel)
        {
            return;
        }

        Check(raw.sqlite3_bind_int(_node, 1, level));
        Check(raw.sqlite3_bind_int64(_node, 2, index));
        Check(raw.sqlite3_bind_blob(_node, 3, hash));
        Step(_node);
    }

    /// <summary>
    /// Links one sealed record after the last hash, appends its leaf hash to the tree, and binds it as the row starting
    /// at parameter <paramref name="first"/> + 1, its values straight from its leaf bytes. (The leaf bytes and hash were
    /// made in the caller's thread; only the link and the tree append need the order.)
    /// </summary>
    private void Bind(sqlite3_stmt statement, int first, long sequence, SealedAuditRecord sealedRecord)
    {
        var record = sealedRecord.Record;
        var values = sealedRecord.Values;
        _hash.CopyTo(_prev, 0);
        _prev.CopyTo(_link, 0);
        BinaryPrimitives.WriteInt64BigEndian(_link.AsSpan(AuditHashChain.HashSize), sequence);
        sealedRecord.LeafHash.CopyTo(_link, AuditHashChain.HashSize + sizeof(long));
        _sha.AppendData(_link);
        _sha.GetHashAndReset(_hash);
        _tree!.Append(sealedRecord.LeafHash, _onNode);
        ReadOnlySpan<byte> canonical = sealedRecord.Leaf;

        Check(raw.sqlite3_bind_int64(statement, first + 1, sequence));
        Check(raw.sqlite3_bind_int64(statement, first + 2, record.TimeMicros));
        Span<byte> kind = stackalloc byte[32];
        var kindLength = Encoding.UTF8.GetBytes(AuditEventKinds.ToText(record.Kind), kind);
        Text(statement, first + 3, kind[..kindLength]);
        for (var v = 0; v <= 8; v++)
        {
            Value(statement, first + 4 + v, canonical, values[v], blob: false);
        }

        Integer(statement, first + 13, record.FrameSequence);
        for (var v = 9; v <= 15; v++)
        {
            Value(statement, first + 14 + (v - 9), canonical, values[v], blob: false);
        }

        Integer(statement, first + 21, record.ErrorCode);
        Integer(statement, first + 22, record.Size);
        Value(statement, first + 23, canonical, values[16], blob: false);
        Value(statement, first + 24, canonical, values[17], blob: true);
        Check(raw.sqlite3_bind_blob(statement, first + 25, _prev));
        Check(raw.sqlite3_bind_blob(statement, first + 26, _hash));
    }

    private void Value(sqlite3_stmt statement, int index, ReadOnlySpan<byte> canonical, (int Offset, int Length) value, bool blob)
    {
        if (value.Offset < 0)
        {
            // NULL already (StepRows clears the bindings): one SQLite call less.
        }
        else if (blob)
        {
            // An empty span may carry a null pointer, which SQLite stores as NULL; an empty payload stays an empty blob.
            Check(value.Length == 0
                ? raw.sqlite3_bind_zeroblob(statement, index, 0)
                : raw.sqlite3_bind_blob(statement, index, canonical.Slice(value.Offset, value.Length)));
        }
        else
        {
            Text(statement, index, canonical.Slice(value.Offset, value.Length));
        }
    }

    private void Text(sqlite3_stmt statement, int index, ReadOnlySpan<byte> utf8) =>
        Check(utf8.IsEmpty
            ? raw.sqlite3_bind_text(statement, index, string.Empty) // an empty span may carry a null pointer: SQLite would store NULL
            : raw.sqlite3_bind_text(statement, index, utf8));

    private void Integer(sqlite3_stmt statement, int index, long? value)
    {
        if (value is { } present)
        {
            Check(raw.sqlite3_bind_int64(statement, index, present));
        }
    }

    /// <summary>Copies the head's hash into the running hash and returns its sequence (0 and the genesis hash when empty).</summary>
    private long ReadHead()
    {
        var rc = raw.sqlite3_step(_head);
        try
        {
            if (rc == raw.SQLITE_DONE)
            {
                AuditHashChain.Genesis.CopyTo(_hash, 0);
                return 0;
            }

            if (rc != raw.SQLITE_ROW)
            {
                SqliteException.ThrowExceptionForRC(rc, _db);
                throw new SqliteException($"unexpected SQLite result {rc}", rc);
            }

            var hash = raw.sqlite3_column_blob(_head, 1);
            if (hash.Length != AuditHashChain.HashSize)
            {
                throw new InvalidOperationException($"the audit chain's head has a hash of {hash.Length} bytes");
            }

            hash.CopyTo(_hash);
            return raw.sqlite3_column_int64(_head, 0);
        }
        finally
        {
            raw.sqlite3_reset(_head);
        }
    }

    /// <summary>Runs an INSERT, then sets all its parameters back to NULL for the next rows (only non-NULL values are bound).</summary>
    private void StepRows(sqlite3_stmt statement)
    {
        Step(statement);
        Check(raw.sqlite3_clear_bindings(statement));
    }

    private void Step(sqlite3_stmt statement)
    {
        var rc = raw.sqlite3_step(statement);
        raw.sqlite3_reset(statement);
        if (rc != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
            throw new SqliteException($"unexpected SQLite result {rc}", rc);
        }
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }

    private sqlite3_stmt Prepare(string sql)
    {
        var rc = raw.sqlite3_prepare_v3(_db, sql, raw.SQLITE_PREPARE_PERSISTENT, out var statement);
        if (rc != raw.SQLITE_OK)
        {
            statement?.Dispose();
            SqliteException.ThrowExceptionForRC(rc, _db);
        }

        return statement ?? throw new SqliteException($"SQLite prepared no statement for: {sql}", rc);
    }

    private static string Insert(int rows)
    {
        var row = "(" + string.Join(", ", Enumerable.Repeat("?", Columns)) + ")";
        return $"INSERT INTO audit_records ({AuditColumns.List}) VALUES {string.Join(", ", Enumerable.Repeat(row, rows))}";
    }

    public void Dispose()
    {
        _many.Dispose();
        _one.Dispose();
        _begin.Dispose();
        _head.Dispose();
        _commit.Dispose();
        _node.Dispose();
        _treeHead.Dispose();
        _sha.Dispose();
    }
}
