using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using McpGateway.Core.Recording;
using SQLitePCL;

namespace McpGateway.Inspectors.Recording;

/// <summary>
/// One row of <c>audit_records</c> into an <see cref="AuditChainBatch"/> for <see cref="SqliteChainReader"/>: its place
/// in the chain, and <c>0x00 || leaf</c> in the current format, field by field from the columns (read on the statement's
/// raw handle, <see cref="SqliteNativeColumns"/>), with no strings and no record objects.
/// </summary>
internal static class SqliteChainRows
{
    private static readonly AuditEventKind[] KindValues = Enum.GetValues<AuditEventKind>();

    private static readonly byte[][] Kinds = [.. KindValues.Select(k => Encoding.UTF8.GetBytes(AuditEventKinds.ToText(k)))];

    /// <summary>Appends the statement's current row (columns in <see cref="AuditColumns.List"/> order) to <paramref name="batch"/>.</summary>
    /// <param name="hashes">Two hash-sized arrays the caller owns, for the stored hashes (and the kind's name) on their way into the batch.</param>
    public static void Read(sqlite3_stmt row, IntPtr handle, AuditChainBatch batch, (byte[] Previous, byte[] Own) hashes)
    {
        var time = SqliteNativeColumns.Int64(handle, 1);
        var kind = Kind(handle, hashes.Own);
        batch.BeginRow(SqliteNativeColumns.Int64(handle, 0), time, Hash(row, handle, 24, hashes.Previous), Hash(row, handle, 25, hashes.Own));
        var output = batch.Leaves;
        var head = output.GetSpan(1 + 1 + 8 + 8);
        head[0] = 0x00;
        head[1] = 2;
        BinaryPrimitives.WriteInt64BigEndian(head[2..], time);
        BinaryPrimitives.WriteInt64BigEndian(head[10..], kind);
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
    private static void Value(IntPtr row, int column, ArrayBufferWriter<byte> output)
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

    private static void Integer(IntPtr row, int column, ArrayBufferWriter<byte> output)
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
    private static long Kind(IntPtr handle, byte[] scratch)
    {
        var length = SqliteNativeColumns.Copy(handle, 2, scratch);
        if (length > scratch.Length)
        {
            return -1;
        }

        var text = scratch.AsSpan(0, length);
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
