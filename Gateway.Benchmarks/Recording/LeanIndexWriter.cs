using McpGateway.Core.Recording;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace McpGateway.Benchmarks.Recording;

/// <summary>
/// The segment log's query index as the design proposes it ("Audit log v3" in docs/performance.md), written the way
/// <c>SqliteAppender</c> writes rows today (statements prepared once, 32 rows per INSERT, parameters bound by position
/// through SQLitePCL), but lean: per record 12 integers and one short text (the rpc id) instead of 26 columns with
/// texts, payload and hashes; method, tool, verdict and session are small integers from dictionaries the indexer keeps
/// (a new value costs a row in its dictionary table); the leaf stays in the segment and the row names its offset.
/// <c>synchronous = NORMAL</c>: the index is rebuilt from the segments after a crash. Not a store: the benchmarks'
/// model of its cost.
/// </summary>
internal sealed class LeanIndexWriter : IDisposable
{
    private const int RowsPerStatement = 32;
    private const int Columns = 13;

    private readonly SqliteConnection _connection;
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _many;
    private readonly sqlite3_stmt _one;
    private readonly sqlite3_stmt _begin;
    private readonly sqlite3_stmt _commit;
    private readonly sqlite3_stmt _name;
    private readonly Dictionary<string, long> _names = new(StringComparer.Ordinal);
    private long _sequence;
    private long _offset;

    public LeanIndexWriter(string path)
    {
        _connection = new SqliteConnection($"Data Source={path};Pooling=False");
        _connection.Open();
        using (var command = _connection.CreateCommand())
        {
            command.CommandText = """
                PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
                CREATE TABLE IF NOT EXISTS audit_names (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
                CREATE TABLE IF NOT EXISTS audit_index (
                    seq INTEGER PRIMARY KEY, time_us INTEGER NOT NULL, kind INTEGER NOT NULL, session INTEGER NOT NULL,
                    direction INTEGER, message_kind INTEGER, rpc_id TEXT, method INTEGER, tool INTEGER, verdict INTEGER,
                    error_code INTEGER, size INTEGER, leaf_offset INTEGER NOT NULL);
                CREATE INDEX IF NOT EXISTS audit_index_session ON audit_index (session, seq);
                """;
            command.ExecuteNonQuery();
        }

        _db = _connection.Handle!;
        _many = Prepare(Insert(RowsPerStatement));
        _one = Prepare(Insert(1));
        _begin = Prepare("BEGIN IMMEDIATE");
        _commit = Prepare("COMMIT");
        _name = Prepare("INSERT INTO audit_names (name) VALUES (?)");
    }

    /// <summary>Indexes <paramref name="records"/> in one transaction (the indexer takes thousands at a time).</summary>
    public void Index(ArraySegment<SealedAuditRecord> records)
    {
        Step(_begin);
        var index = 0;
        while (records.Count - index >= RowsPerStatement)
        {
            for (var row = 0; row < RowsPerStatement; row++)
            {
                Bind(_many, row * Columns, records[index++]);
            }

            Step(_many);
        }

        while (index < records.Count)
        {
            Bind(_one, 0, records[index++]);
            Step(_one);
        }

        Step(_commit);
    }

    private void Bind(sqlite3_stmt statement, int first, SealedAuditRecord sealedRecord)
    {
        var record = sealedRecord.Record;
        Check(raw.sqlite3_bind_int64(statement, first + 1, ++_sequence));
        Check(raw.sqlite3_bind_int64(statement, first + 2, record.TimeMicros));
        Check(raw.sqlite3_bind_int(statement, first + 3, (int)record.Kind));
        Check(raw.sqlite3_bind_int64(statement, first + 4, Name(record.SessionId)));
        Check(raw.sqlite3_bind_int(statement, first + 5, record.Direction == "client_to_upstream" ? 0 : 1));
        Check(raw.sqlite3_bind_int64(statement, first + 6, Name(record.MessageKind)));
        var rpcId = sealedRecord.Values[10];
        Check(rpcId.Offset < 0
            ? raw.sqlite3_bind_null(statement, first + 7)
            : raw.sqlite3_bind_text(statement, first + 7, sealedRecord.Leaf.AsSpan(rpcId.Offset, rpcId.Length)));
        Check(raw.sqlite3_bind_int64(statement, first + 8, Name(record.Method)));
        Check(raw.sqlite3_bind_int64(statement, first + 9, Name(record.Tool)));
        Check(raw.sqlite3_bind_int64(statement, first + 10, Name(record.Verdict)));
        Check(record.ErrorCode is { } code ? raw.sqlite3_bind_int(statement, first + 11, code) : raw.sqlite3_bind_null(statement, first + 11));
        Check(raw.sqlite3_bind_int64(statement, first + 12, record.Size ?? 0));
        Check(raw.sqlite3_bind_int64(statement, first + 13, _offset));
        _offset += sizeof(uint) + sealedRecord.Leaf.Length;
    }

    /// <summary>The dictionary id of <paramref name="name"/> (0 for none), adding it to <c>audit_names</c> the first time.</summary>
    private long Name(string? name)
    {
        if (name is null)
        {
            return 0;
        }

        if (!_names.TryGetValue(name, out var id))
        {
            Check(raw.sqlite3_bind_text(_name, 1, name));
            Step(_name);
            id = raw.sqlite3_last_insert_rowid(_db);
            _names.Add(name, id);
        }

        return id;
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
        return "INSERT INTO audit_index (seq, time_us, kind, session, direction, message_kind, rpc_id, method, tool, verdict, error_code, size, leaf_offset) VALUES "
            + string.Join(", ", Enumerable.Repeat(row, rows));
    }

    public void Dispose()
    {
        _many.Dispose();
        _one.Dispose();
        _begin.Dispose();
        _commit.Dispose();
        _name.Dispose();
        _connection.Dispose();
    }
}
