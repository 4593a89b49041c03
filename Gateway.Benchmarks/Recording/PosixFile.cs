using System.ComponentModel;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace McpGateway.Benchmarks.Recording;

/// <summary><c>fdatasync(2)</c>, which .NET does not expose (<see cref="RandomAccess.FlushToDisk"/> is <c>fsync</c>).</summary>
internal static class PosixFile
{
    public static void DataSync(SafeFileHandle file)
    {
        if (!OperatingSystem.IsLinux())
        {
            RandomAccess.FlushToDisk(file);
            return;
        }

        var added = false;
        file.DangerousAddRef(ref added);
        try
        {
            if (NativeMethods.fdatasync((int)file.DangerousGetHandle()) != 0)
            {
                throw new IOException("fdatasync failed", new Win32Exception(Marshal.GetLastPInvokeError()));
            }
        }
        finally
        {
            if (added)
            {
                file.DangerousRelease();
            }
        }
    }

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = true)]
        public static extern int fdatasync(int fd);
    }
}
