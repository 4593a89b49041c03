using McpGateway.Core.Buffers;
using McpGateway.Core.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace McpGateway.Benchmarks.Floor;

/// <summary>
/// The gateway's own transport with zero work: Kestrel's socket transport, set up as <c>mcpgw serve</c> sets it up
/// (inline scheduling when the runtime runs socket completions inline, 16 KiB blocks), and a
/// <see cref="CopyConnectionHandler"/> that copies bytes to an upstream socket and back.
/// </summary>
internal static class KestrelCopyRelay
{
    public static async Task<int> RunAsync(CopyRelayOptions options, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        ListenOptions? listen = null;
        builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = SocketEngine.InlineCompletions);
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(options.Listen, listenOptions =>
        {
            listen = listenOptions;
            listenOptions.UseConnectionHandler<CopyConnectionHandler>();
        }));
        builder.Services.AddSingleton<IMemoryPoolFactory<byte>, BlockMemoryPoolFactory>();
        builder.Services.AddSingleton(options);
        await using var app = builder.Build();
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        Console.WriteLine(CopyRelay.ListeningLine(listen!.IPEndPoint!));
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped: fall through to a graceful stop.
        }

        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await app.StopAsync(grace.Token).ConfigureAwait(false);
        return 0;
    }
}
