using System.Runtime.InteropServices;

namespace McpGateway.Core.Upstreams;

/// <summary>
/// Blocking reads from the read end of a pipe, straight through libc (Linux). .NET reads an anonymous pipe through a
/// <c>Socket</c> over its descriptor, so every <c>ReadAsync</c> is an epoll registration and a thread-pool hop; a
/// thread of our own that waits in <c>poll(2)</c> and reads with <c>read(2)</c> is woken by the kernel directly.
/// </summary>
internal static class UnixPipe
{
    private const short PollIn = 0x1;
    private const int Interrupted = 4; // EINTR

    /// <summary>True when <paramref name="fd"/> has data or reached its end (a read will not block); false after <paramref name="timeoutMilliseconds"/>.</summary>
    public static bool WaitReadable(int fd, int timeoutMilliseconds)
    {
        var descriptor = new PollDescriptor { Fd = fd, Events = PollIn, ReturnedEvents = 0 };
        while (true)
        {
            var ready = NativeMethods.poll(ref descriptor, 1, timeoutMilliseconds);
            if (ready >= 0)
            {
                // Any returned event (data, hang-up, error, a closed descriptor) makes the next read return at once.
                return ready > 0;
            }

            ThrowUnlessInterrupted("poll");
        }
    }

    /// <summary>Reads what the pipe holds into <paramref name="buffer"/>; 0 at the end of the stream.</summary>
    public static int Read(int fd, Span<byte> buffer)
    {
        while (true)
        {
            var read = NativeMethods.read(fd, ref MemoryMarshal.GetReference(buffer), buffer.Length);
            if (read >= 0)
            {
                return (int)read;
            }

            ThrowUnlessInterrupted("read");
        }
    }

    private static void ThrowUnlessInterrupted(string call)
    {
        var errno = Marshal.GetLastPInvokeError();
        if (errno != Interrupted)
        {
            throw new IOException($"{call} on the server's stdout failed: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollDescriptor
    {
        public int Fd;
        public short Events;
        public short ReturnedEvents;
    }

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = true)]
        public static extern int poll(ref PollDescriptor fds, nuint count, int timeout);

        [DllImport("libc", SetLastError = true)]
        public static extern nint read(int fd, ref byte buffer, nint count);
    }
}
