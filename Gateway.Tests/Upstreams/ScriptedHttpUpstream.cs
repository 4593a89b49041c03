using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpGateway.Tests.Upstreams;

/// <summary>
/// A Kestrel server on 127.0.0.1 whose answers a test scripts, for the HTTP behaviours no real MCP server shows on
/// demand (a body that is not JSON, an event stream that breaks, a server that hangs). Every request is recorded.
/// </summary>
internal sealed class ScriptedHttpUpstream : IAsyncDisposable
{
    private WebApplication _app = null!;
    private long _bytesSent;

    private ScriptedHttpUpstream()
    {
    }

    /// <summary>Bytes all connections handed to their sockets so far: what a client was actually given to read.</summary>
    public long BytesSent => Interlocked.Read(ref _bytesSent);

    /// <summary>Answers the next requests; the request's body is already read into <see cref="SeenRequest.Body"/>.</summary>
    public Func<HttpContext, SeenRequest, Task> Handler { get; set; } = (context, _) =>
    {
        context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        return Task.CompletedTask;
    };

    public ConcurrentQueue<SeenRequest> Requests { get; } = new();

    public Uri Url { get; private set; } = null!;

    public static async Task<ScriptedHttpUpstream> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var upstream = new ScriptedHttpUpstream();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.Use(next => connection =>
        {
            connection.Transport = new CountingDuplexPipe(connection.Transport, bytes => Interlocked.Add(ref upstream._bytesSent, bytes));
            return next(connection);
        })));
        var app = builder.Build();
        upstream._app = app;
        app.Run(async context =>
        {
            using var body = new StreamReader(context.Request.Body);
            var seen = new SeenRequest(
                context.Request.Method,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                await body.ReadToEndAsync(context.RequestAborted));
            upstream.Requests.Enqueue(seen);
            await upstream.Handler(context, seen);
        });
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        upstream.Url = new Uri(address.TrimEnd('/') + "/mcp");
        return upstream;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
