using System.Buffers;
using System.Runtime.InteropServices;

namespace McpGateway.Inspectors.Recording;

/// <summary>
/// Column reads for <see cref="SqliteChainReader"/> straight from the SQLite library the provider loaded, on the
/// statement's raw handle: SQLitePCL passes the statement as a SafeHandle on every call, and at some 55 column calls per
/// row its reference counting cost more than SQLite's own work (about a fifth of <c>audit verify</c>'s CPU). The caller
/// owns the statement and keeps it alive for as long as it uses the handle. The calls neither block nor call back, so
/// they skip the GC transition.
/// </summary>
internal static class SqliteNativeColumns
{
    private const string Library = "e_sqlite3";

    /// <summary><c>sqlite3_step</c>: may wait for a lock or read the disk, so it keeps the GC transition.</summary>
    public static int Step(IntPtr statement) => NativeMethods.sqlite3_step(statement);

    public static long Int64(IntPtr statement, int column) => NativeMethods.sqlite3_column_int64(statement, column);

    public static bool IsNull(IntPtr statement, int column) => NativeMethods.sqlite3_column_type(statement, column) == SQLitePCL.raw.SQLITE_NULL;

    /// <summary>Appends the column's bytes (UTF-8 for text) to <paramref name="output"/>; returns how many, or -1 for NULL.</summary>
    public static int Append(IntPtr statement, int column, ArrayBufferWriter<byte> output, int headerBytes, out Span<byte> header)
    {
        var bytes = NativeMethods.sqlite3_column_blob(statement, column);
        var length = NativeMethods.sqlite3_column_bytes(statement, column);
        if (length == 0 && NativeMethods.sqlite3_column_type(statement, column) == SQLitePCL.raw.SQLITE_NULL)
        {
            header = default;
            return -1;
        }

        var memory = output.GetMemory(headerBytes + length);
        if (!MemoryMarshal.TryGetArray<byte>(memory, out var array))
        {
            throw new InvalidOperationException("the batch's buffer is not an array");
        }

        if (length > 0)
        {
            Marshal.Copy(bytes, array.Array!, array.Offset + headerBytes, length);
        }

        header = memory.Span[..headerBytes];
        return length;
    }

    /// <summary>The column's bytes copied to <paramref name="destination"/> (at most its length); returns how many the column holds.</summary>
    public static int Copy(IntPtr statement, int column, byte[] destination)
    {
        var bytes = NativeMethods.sqlite3_column_blob(statement, column);
        var length = NativeMethods.sqlite3_column_bytes(statement, column);
        if (length > 0)
        {
            Marshal.Copy(bytes, destination, 0, Math.Min(length, destination.Length));
        }

        return length;
    }

    private static class NativeMethods
    {
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        public static extern int sqlite3_step(IntPtr statement);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        [SuppressGCTransition]
        public static extern long sqlite3_column_int64(IntPtr statement, int column);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        [SuppressGCTransition]
        public static extern int sqlite3_column_type(IntPtr statement, int column);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        [SuppressGCTransition]
        public static extern IntPtr sqlite3_column_blob(IntPtr statement, int column);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        [SuppressGCTransition]
        public static extern int sqlite3_column_bytes(IntPtr statement, int column);
    }
}
