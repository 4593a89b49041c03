using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpGateway.Benchmarks.Upstream;

/// <summary>
/// The HTTP twin of <see cref="FastUpstreamServer"/> for load runs of <c>http</c> connections: Kestrel on 127.0.0.1
/// answering every POSTed request with an <c>application/json</c> <c>tools/call</c>-shaped result of the same id and
/// size, notifications with 202. Stateless (no MCP session), no JSON parsing beyond finding <c>"id":</c>.
/// </summary>
internal sealed class FastHttpUpstreamServer : IAsyncDisposable
{
    private static readonly byte[] IdMarker = "\"id\":"u8.ToArray();
    private static readonly byte[] ResponsePrefix = """{"jsonrpc":"2.0","id":"""u8.ToArray();

    private readonly WebApplication _app;
    private readonly byte[] _responseSuffix;

    private FastHttpUpstreamServer(WebApplication app, int responseBytes)
    {
        _app = app;
        const string Before = ",\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"";
        const string After = "\"}]}}";
        var padding = Math.Max(1, responseBytes - ResponsePrefix.Length - 6 - Before.Length - After.Length);
        _responseSuffix = Encoding.UTF8.GetBytes(Before + new string('x', padding) + After);
    }

    public Uri Url { get; private set; } = null!;

    public static async Task<FastHttpUpstreamServer> StartAsync(int responseBytes, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, 0);
        });
        var app = builder.Build();
        var server = new FastHttpUpstreamServer(app, responseBytes);
        app.Run(server.AnswerAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.Url = new Uri(address.TrimEnd('/') + "/mcp");
        return server;
    }

    private async Task AnswerAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted).ConfigureAwait(false);
        var request = body.GetBuffer().AsMemory(0, (int)body.Length);
        var at = request.Span.IndexOf(IdMarker);
        if (at < 0)
        {
            context.Response.StatusCode = StatusCodes.Status202Accepted;
            return;
        }

        var start = at + IdMarker.Length;
        var length = request.Span[start..].IndexOfAny((byte)',', (byte)'}');
        var id = request.Slice(start, length < 0 ? request.Length - start : length);
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = ResponsePrefix.Length + id.Length + _responseSuffix.Length;
        await context.Response.Body.WriteAsync(ResponsePrefix, context.RequestAborted).ConfigureAwait(false);
        await context.Response.Body.WriteAsync(id, context.RequestAborted).ConfigureAwait(false);
        await context.Response.Body.WriteAsync(_responseSuffix, context.RequestAborted).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
