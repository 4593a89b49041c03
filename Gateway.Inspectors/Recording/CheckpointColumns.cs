using System.Data.Common;
using McpGateway.Core.Recording;

namespace McpGateway.Inspectors.Recording;

/// <summary>
/// The checkpoint table's columns, for both stores. The link columns (<c>counter prev_digest kind interval_ms</c>) and
/// the tree head's <c>root</c> came later: a store written before them gets them added, empty for its older rows.
/// </summary>
internal static class CheckpointColumns
{
    public const string Legacy = "seq, hash, time_us, signature";

    /// <summary>The columns of a store written before tree heads.</summary>
    public const string WithoutRoot = Legacy + ", counter, prev_digest, kind, interval_ms";

    public const string List = WithoutRoot + ", root";

    /// <summary>The columns of <see cref="List"/> after <see cref="Legacy"/>, with their type per store.</summary>
    public static readonly (string Name, string Sqlite, string Postgres)[] Linked =
    [
        ("counter", "INTEGER", "BIGINT"),
        ("prev_digest", "BLOB", "BYTEA"),
        ("kind", "TEXT", "TEXT"),
        ("interval_ms", "INTEGER", "BIGINT"),
        ("root", "BLOB", "BYTEA"),
    ];

    /// <summary>Reads a row selected as <see cref="List"/> (or <see cref="WithoutRoot"/>), or as <see cref="Legacy"/> when <paramref name="linked"/> is false.</summary>
    public static AuditCheckpoint Read(DbDataReader reader, bool linked)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var checkpoint = new AuditCheckpoint(reader.GetInt64(0), AuditColumns.Blob(reader, 1), reader.GetInt64(2), AuditColumns.Blob(reader, 3));
        if (!linked || reader.IsDBNull(4))
        {
            return checkpoint;
        }

        return checkpoint with
        {
            Counter = reader.GetInt64(4),
            PreviousDigest = AuditColumns.Blob(reader, 5),
            Kind = ParseKind(reader.IsDBNull(6) ? null : reader.GetString(6)),
            IntervalMillis = reader.IsDBNull(7) ? 0 : reader.GetInt64(7),
            Root = reader.FieldCount > 8 && !reader.IsDBNull(8) ? AuditColumns.Blob(reader, 8) : null,
        };
    }

    public static object[] Values(AuditCheckpoint checkpoint) =>
    [
        checkpoint.Sequence, checkpoint.Hash, checkpoint.TimeMicros, checkpoint.Signature,
        checkpoint.Counter is { } counter ? counter : DBNull.Value,
        checkpoint.PreviousDigest is { } digest ? digest : DBNull.Value,
        checkpoint.IsLinked ? KindText(checkpoint.Kind) : DBNull.Value,
        checkpoint.IsLinked ? checkpoint.IntervalMillis : DBNull.Value,
        checkpoint.Root is { } root ? root : DBNull.Value,
    ];

    public static string KindText(CheckpointKind kind) => kind switch
    {
        CheckpointKind.Start => "start",
        CheckpointKind.Stop => "stop",
        _ => "periodic",
    };

    /// <summary>An unknown kind reads as periodic: the signature covers the kind, so a changed one fails verification anyway.</summary>
    public static CheckpointKind ParseKind(string? text) => text switch
    {
        "start" => CheckpointKind.Start,
        "stop" => CheckpointKind.Stop,
        _ => CheckpointKind.Periodic,
    };
}
