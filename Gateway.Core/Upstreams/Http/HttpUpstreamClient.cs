using System.Net;
using McpGateway.Core.Configuration;
using McpGateway.Core.Framing;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace McpGateway.Core.Upstreams.Http;

/// <summary>
/// What every session of one <c>http</c> connection shares: one pooled <see cref="SocketsHttpHandler"/> (connections
/// are reused across sessions) and two resilience pipelines built once. Sending retries only a request that never
/// left (a POST that may have reached the server is never sent again); the GET stream is reopened with backoff.
/// </summary>
internal sealed class HttpUpstreamClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly ResiliencePipeline _send;

    public HttpUpstreamClient(HttpConnectionSettings settings, FrameLimits limits, TimeProvider timeProvider, ILogger logger)
    {
        Settings = settings;
        Limits = limits;
        TimeProvider = timeProvider;
        Logger = logger;
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = settings.ConnectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.All,

            // No trace context upstream (GatewayApplication sets no-output propagation for every client of the process);
            // without a propagator of its own the handler also leaves its diagnostics stage out of the pipeline, which
            // each exchange paid for.
            ActivityHeadersPropagator = null,
        };
        _http = new HttpClient(handler)
        {
            Timeout = Timeout.InfiniteTimeSpan,
            DefaultRequestVersion = HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionOrHigher,
        };
        _send = Build(settings.ConnectRetries, timeProvider, new PredicateBuilder().Handle<UnsentRequestException>(), (attempt, delay) => HttpLog.SendRetry(logger, settings.Name, attempt, delay));
        ReopenStream = Build(
            Math.Max(settings.ConnectRetries, 1),
            timeProvider,
            new PredicateBuilder().Handle<HttpRequestException>().Handle<IOException>().Handle<UnsentRequestException>(),
            (attempt, delay) => HttpLog.GetStreamRetry(logger, settings.Name, attempt, delay));
    }

    public HttpConnectionSettings Settings { get; }

    public FrameLimits Limits { get; }

    public TimeProvider TimeProvider { get; }

    public ILogger Logger { get; }

    /// <summary>Retries opening the GET stream (connection failures and refusals that may pass).</summary>
    public ResiliencePipeline ReopenStream { get; }

    private static ResiliencePipeline Build(int retries, TimeProvider timeProvider, PredicateBuilder<object> handle, Action<int, TimeSpan> onRetry)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = timeProvider };
        if (retries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = retries,
                BackoffType = DelayBackoffType.Exponential,
                Delay = TimeSpan.FromMilliseconds(100),
                MaxDelay = TimeSpan.FromSeconds(5),
                UseJitter = true,
                ShouldHandle = handle,
                OnRetry = args =>
                {
                    onRetry(args.AttemptNumber + 1, args.RetryDelay);
                    return default;
                },
            });
        }

        return builder.Build();
    }

    /// <summary>
    /// Sends a request built afresh for each attempt and returns once its response headers arrived. Throws
    /// <see cref="UnsentRequestException"/> when every attempt failed before the request left.
    /// </summary>
    public ValueTask<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> build, CancellationToken cancellationToken) =>
        _send.ExecuteAsync(static (state, token) => state.Item1.SendOnceAsync(state.build, token), (this, build), cancellationToken);

    /// <summary>One attempt, without retries.</summary>
    public async ValueTask<HttpResponseMessage> SendOnceAsync(Func<HttpRequestMessage> build, CancellationToken cancellationToken)
    {
        var request = build();
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (!Started(request) && ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
        {
            throw new UnsentRequestException(ex.Message, ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested && !Started(request))
        {
            // The handler's connect timeout.
            throw new UnsentRequestException($"no connection within {Settings.ConnectTimeout}", ex);
        }
    }

    private static bool Started(HttpRequestMessage request) => request.Content is MessageContent { Started: true };

    public void Dispose() => _http.Dispose();
}
