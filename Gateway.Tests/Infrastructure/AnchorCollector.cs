using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace McpGateway.Tests.Infrastructure;

/// <summary>
/// A log collector on 127.0.0.1 (real Kestrel), as a SIEM's HTTP input would be: <c>POST /collect</c> keeps the body as
/// one line, answering the first <c>failures</c> requests 503; <c>GET /collect</c> gives every kept line back.
/// </summary>
internal sealed class AnchorCollector : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ListenOptions _listen;

    private AnchorCollector(WebApplication app, ListenOptions listen)
    {
        _app = app;
        _listen = listen;
    }

    public Uri Url => new($"http://{_listen.IPEndPoint}/collect");

    public ConcurrentQueue<string> Lines { get; } = new();

    /// <summary>How many POSTs were answered 503.</summary>
    public int Refused => _refused;

    private int _refused;
    private int _posts;

    public static async Task<AnchorCollector> StartAsync(int failures, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        ListenOptions? listen = null;
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => listen = o));
        var app = builder.Build();
        AnchorCollector? collector = null;
        app.MapPost("/collect", async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            if (Interlocked.Increment(ref collector!._posts) <= failures)
            {
                Interlocked.Increment(ref collector._refused);
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            }

            collector.Lines.Enqueue(body.ReplaceLineEndings(" "));
        });
        app.MapGet("/collect", () => string.Join('\n', collector!.Lines) + "\n");
        await app.StartAsync(cancellationToken);
        collector = new AnchorCollector(app, listen!);
        return collector;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
