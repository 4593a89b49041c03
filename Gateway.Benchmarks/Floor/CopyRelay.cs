using System.Net;
using System.Runtime.InteropServices;

namespace McpGateway.Benchmarks.Floor;

/// <summary>
/// <c>copy-relay</c>: the floor under the gateway's relay path. A TCP relay that does nothing but copy bytes, in a
/// process of its own like HAProxy, so that the load driver can measure what .NET's socket engine (<c>socket</c>) or
/// Kestrel's transport (<c>kestrel</c>) costs per relayed request before any framing, parsing or inspection.
/// </summary>
internal static class CopyRelay
{
    /// <summary>The line the load driver waits for; it carries the bound endpoint.</summary>
    public static string ListeningLine(EndPoint endpoint) => $"copy-relay: listening on {endpoint}";

    public static async Task<int> RunAsync(string[] args)
    {
        var options = CopyRelayOptions.Parse(args, out var error);
        if (options is null)
        {
            await Console.Error.WriteLineAsync($"copy-relay: {error}").ConfigureAwait(false);
            await Console.Error.WriteLineAsync(CopyRelayOptions.Usage).ConfigureAwait(false);
            return 2;
        }

        using var stop = new CancellationTokenSource();
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        StopWhenInputEnds(stop);
        try
        {
            return options.Transport == "kestrel"
                ? await KestrelCopyRelay.RunAsync(options, stop.Token).ConfigureAwait(false)
                : await SocketCopyRelay.RunAsync(options, stop.Token).ConfigureAwait(false);
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            await Console.Error.WriteLineAsync($"copy-relay: cannot listen on {options.Listen}: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (IOException ex) when (ex.InnerException is System.Net.Sockets.SocketException inner)
        {
            await Console.Error.WriteLineAsync($"copy-relay: cannot listen on {options.Listen}: {inner.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    // The load driver holds the relay's standard input open: when the driver ends, however it ends, the relay ends too.
    private static void StopWhenInputEnds(CancellationTokenSource stop)
    {
        var reader = new Thread(() =>
        {
            while (Console.In.ReadLine() is not null)
            {
                // Input is ignored; only its end matters.
            }

            stop.Cancel();
        })
        { IsBackground = true, Name = "copy-relay stdin" };
        reader.Start();
    }
}
