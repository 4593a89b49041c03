using System.Net.Sockets;

namespace McpGateway.Tests.Infrastructure;

/// <summary>
/// Waits until a peer process serves, by asking it (its port, its discovery document), not by reading a line it prints:
/// a line says the process got somewhere, a probe says a client can use it. Failures name the process and carry its
/// output, so a fixture that does not start says why.
/// </summary>
internal static class PeerStartup
{
    private static readonly TimeSpan _probeInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Probes until <paramref name="probe"/> answers true. Throws <see cref="InvalidOperationException"/> when the process
    /// exits first and <see cref="TimeoutException"/> after <paramref name="budget"/>; both name <paramref name="peer"/>
    /// and carry its stdout and stderr. A probe that cannot connect (<see cref="SocketException"/>,
    /// <see cref="HttpRequestException"/>) or times out on its own counts as "not yet".
    /// </summary>
    public static async Task WaitUntilServingAsync(
        ChildProcess process,
        string peer,
        Func<CancellationToken, Task<bool>> probe,
        TimeSpan budget,
        CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(budget);
        try
        {
            while (true)
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"{peer} exited before it served.{Environment.NewLine}{process.Describe()}");
                }

                try
                {
                    if (await probe(deadline.Token))
                    {
                        return;
                    }
                }
                catch (Exception e) when (e is SocketException or HttpRequestException)
                {
                    // Not listening yet.
                }
                catch (TaskCanceledException) when (!deadline.IsCancellationRequested)
                {
                    // The probe's own time-out: accepted but not answering yet.
                }

                await Task.Delay(_probeInterval, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{peer} did not serve within {budget}.{Environment.NewLine}{process.Describe()}");
        }
    }

    /// <summary>A probe that is true once something accepts TCP connections on 127.0.0.1:<paramref name="port"/>.</summary>
    public static Func<CancellationToken, Task<bool>> TcpPort(int port) => async cancellationToken =>
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port, cancellationToken);
        return true;
    };
}
