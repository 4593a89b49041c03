using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Threading.Channels;
using McpGateway.Core.Recording;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace McpGateway.Inspectors.Recording;

/// <summary>
/// POSTs each checkpoint as a JSON object (<see cref="CheckpointJson"/>) to a collector, e.g. a SIEM's HTTP input. A
/// checkpoint is queued and sent by a task of its own: network errors, timeouts, 408, 429 and 5xx are retried with
/// exponential backoff and jitter (<see cref="Retries"/> times, <see cref="AttemptTimeout"/> each); a checkpoint that
/// is still not taken is logged and dropped, and the next one, which links to it, carries the chain on. Logs name the
/// host only.
/// </summary>
internal sealed class HttpCheckpointAnchor : ICheckpointAnchor, IAsyncDisposable
{
    public const int Retries = 5;
    public const int QueueCapacity = 64;
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan DefaultRetryDelay = TimeSpan.FromSeconds(1);

    private readonly Uri _url;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan };
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly Channel<AuditCheckpoint> _queue = Channel.CreateBounded<AuditCheckpoint>(new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _sender;

    public HttpCheckpointAnchor(Uri url, TimeProvider timeProvider, ILogger logger, TimeSpan? retryDelay = null)
    {
        _url = url;
        _timeProvider = timeProvider;
        _logger = logger;
        _pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = Retries,
                BackoffType = DelayBackoffType.Exponential,
                Delay = retryDelay ?? DefaultRetryDelay,
                UseJitter = true,
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(r => r.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)r.StatusCode >= 500),
                OnRetry = args =>
                {
                    RecordingLog.AnchorRetry(_logger, Description, args.AttemptNumber + 1, args.Context.Properties.GetValue(CounterKey, 0L), Describe(args.Outcome), args.RetryDelay);
                    args.Outcome.Result?.Dispose();
                    return default;
                },
            })
            .AddTimeout(AttemptTimeout)
            .Build();
        _sender = Task.Run(SendLoopAsync);
    }

    private static readonly ResiliencePropertyKey<long> CounterKey = new("mcpgw.checkpoint.counter");

    public string Description => _url.GetLeftPart(UriPartial.Authority);

    /// <summary>Queues the checkpoint; the sender posts it. Never waits for the network.</summary>
    public Task WriteAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        if (!_queue.Writer.TryWrite(checkpoint))
        {
            RecordingLog.AnchorQueueFull(_logger, Description, checkpoint.Counter ?? 0);
        }

        return Task.CompletedTask;
    }

    private async Task SendLoopAsync()
    {
        await foreach (var checkpoint in _queue.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            await SendAsync(checkpoint, _stopping.Token).ConfigureAwait(false);
        }
    }

    /// <summary>Posts one checkpoint with retries; logs, never throws (but for being stopped).</summary>
    public async Task SendAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes(CheckpointJson.Write(checkpoint));
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(CounterKey, checkpoint.Counter ?? 0);
        Outcome<HttpResponseMessage> outcome;
        try
        {
            outcome = await _pipeline.ExecuteOutcomeAsync(
                async (ctx, state) =>
                {
                    try
                    {
                        using var request = new HttpRequestMessage(HttpMethod.Post, state) { Content = new ByteArrayContent(body) };
                        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
                        return Outcome.FromResult(await _http.SendAsync(request, ctx.CancellationToken).ConfigureAwait(false));
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
                    {
                        return Outcome.FromException<HttpResponseMessage>(ex);
                    }
                },
                context,
                _url).ConfigureAwait(false);
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is OperationCanceledException or HttpRequestException or TimeoutRejectedException)
        {
            // Stopped while still trying: what the collector did not take is lost there (the store and files keep it).
            RecordingLog.AnchorGaveUp(_logger, Description, checkpoint.Counter ?? 0, "the gateway stopped");
            return;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        using var response = outcome.Result;
        if (response is not { IsSuccessStatusCode: true })
        {
            RecordingLog.AnchorGaveUp(_logger, Description, checkpoint.Counter ?? 0, Describe(outcome));
        }
    }

    private static string Describe(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException http } => $"network error ({http.HttpRequestError})",
        { Exception: TimeoutRejectedException or OperationCanceledException } => "no response in time",
        { Exception: { } other } => other.GetType().Name,
        { Result: { } response } => $"HTTP {(int)response.StatusCode}",
        _ => "no response",
    };

    /// <summary>Sends what is queued (the final checkpoint among it), for at most the time the host gives, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (await Task.WhenAny(_sender, Task.Delay(AttemptTimeout, _timeProvider)).ConfigureAwait(false) != _sender)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }

        await _sender.ConfigureAwait(false);
        _stopping.Dispose();
        _http.Dispose();
    }
}
