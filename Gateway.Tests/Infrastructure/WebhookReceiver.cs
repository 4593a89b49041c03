using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace McpGateway.Tests.Infrastructure;

/// <summary>
/// An incoming-webhook endpoint on 127.0.0.1 (real Kestrel): <c>POST</c> to <see cref="SecretPath"/> is recorded and
/// answered with the next scripted response, then 200 once the script is used up; any other path gets 404.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    /// <summary>The part of a Slack webhook URL that is a credential: it must never appear in a log.</summary>
    public const string SecretPath = "/services/T0SECRET/B0SECRET/xoxSecretPathPart";

    private readonly WebApplication _app;
    private readonly ListenOptions _listen;
    private WebhookReceiver(WebApplication app, ListenOptions listen)
    {
        _app = app;
        _listen = listen;
    }

    public Uri Url => new($"http://{_listen.IPEndPoint}{SecretPath}");

    /// <summary>Every POST received, in order: its body and headers.</summary>
    public ConcurrentQueue<(string Body, IHeaderDictionary Headers)> Received { get; } = new();

    /// <param name="script">The answers to the first requests: a status and an optional Retry-After value.</param>
    public static async Task<WebhookReceiver> StartAsync(CancellationToken cancellationToken, params (int Status, string? RetryAfter)[] script)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        ListenOptions? listen = null;
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => listen = o));
        var app = builder.Build();
        var queue = new ConcurrentQueue<(int, string?)>(script);
        WebhookReceiver? receiver = null;
        app.MapPost(SecretPath, async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            receiver!.Received.Enqueue((await reader.ReadToEndAsync(context.RequestAborted), new HeaderDictionary(context.Request.Headers.ToDictionary())));
            var (status, retryAfter) = queue.TryDequeue(out var next) ? next : (200, null);
            if (retryAfter is not null)
            {
                context.Response.Headers.RetryAfter = retryAfter;
            }

            context.Response.StatusCode = status;
            await context.Response.WriteAsync(status == 200 ? "ok" : "not now", context.RequestAborted);
        });
        await app.StartAsync(cancellationToken);
        receiver = new WebhookReceiver(app, listen!);
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
