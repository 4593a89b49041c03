using System.Net;
using System.Net.Http.Headers;
using McpGateway.Inspectors.Approval;
using McpGateway.Core.Configuration;
using McpGateway.Core.Upstreams.Http;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace McpGateway.Inspectors.Approval;

/// <summary>
/// Posts every notice to <c>approvals.webhook</c> as a Slack-compatible message (<see cref="SlackMessage"/>). Each
/// attempt has <c>timeout</c>; network errors, timeouts, 408, 429 and 5xx are retried up to <c>retries</c> times with
/// exponential backoff and jitter, or after the response's <c>Retry-After</c> when it names at most
/// <see cref="MaxRetryAfter"/>; any other 4xx is final. The gate calls it off the frame path and logs a failure; the
/// held call waits for its decision either way. Logs name the webhook's host only: its path and headers may be secrets.
/// </summary>
internal sealed class WebhookNotifier : IApprovalNotifier, IDisposable
{
    public static readonly TimeSpan DefaultRetryDelay = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(30);

    private readonly ApprovalWebhookSettings _settings;
    private readonly ILogger _logger;
    private readonly HttpClient _http;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    /// <param name="retryDelay">The first backoff delay (doubled per attempt); <see cref="DefaultRetryDelay"/> when null.</param>
    public WebhookNotifier(ApprovalWebhookSettings settings, TimeProvider timeProvider, ILogger logger, TimeSpan? retryDelay = null)
    {
        _settings = settings;
        _logger = logger;
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = timeProvider };
        if (settings.Retries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = settings.Retries,
                BackoffType = DelayBackoffType.Exponential,
                Delay = retryDelay ?? DefaultRetryDelay,
                MaxDelay = MaxRetryAfter,
                UseJitter = true,
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(r => IsTransient(r.StatusCode)),
                DelayGenerator = args => new ValueTask<TimeSpan?>(RetryAfter(args.Outcome.Result)),
                OnRetry = args =>
                {
                    ApprovalLog.WebhookRetry(_logger, _settings.Url.Host, args.AttemptNumber + 1, Describe(args.Outcome), args.RetryDelay);
                    args.Outcome.Result?.Dispose();
                    return default;
                },
            });
        }

        _pipeline = builder.AddTimeout(settings.Timeout).Build();
    }

    public async Task NotifyAsync(ApprovalNotice notice, CancellationToken cancellationToken)
    {
        var body = System.Text.Encoding.UTF8.GetBytes(SlackMessage.Build(notice).ToJsonString());
        var headers = _settings.Headers.Select(h => (h.Key, Value: h.Value.Resolve())).ToList();
        if (headers.FirstOrDefault(h => !OutgoingHeaders.IsSafe(h.Value)) is { Key: { } unsafeHeader })
        {
            // A secret read from a file or the environment with a line break in it would add headers (or a request) of
            // its own to the webhook's connection: nothing is sent. The value is never logged.
            throw new WebhookDeliveryException($"the value of webhook header '{unsafeHeader}' holds CR, LF or NUL; the notice was not sent");
        }

        Outcome<HttpResponseMessage> outcome;
        try
        {
            outcome = Outcome.FromResult(await _pipeline.ExecuteAsync(
                async token =>
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, _settings.Url) { Content = new ByteArrayContent(body) };
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
                    foreach (var (name, value) in headers)
                    {
                        request.Headers.TryAddWithoutValidation(name, value);
                    }

                    return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException)
        {
            outcome = Outcome.FromException<HttpResponseMessage>(ex);
        }

        using var response = outcome.Result;
        if (response is { IsSuccessStatusCode: true })
        {
            ApprovalLog.WebhookDelivered(_logger, notice.RequestId, _settings.Url.Host, (int)response.StatusCode);
            return;
        }

        throw new WebhookDeliveryException($"the webhook at {_settings.Url.Host} did not take the notice: {Describe(outcome)}");
    }

    /// <summary>Why an attempt failed, without the URL or any header: a status code or the kind of network error.</summary>
    private static string Describe(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException http } => $"network error ({http.HttpRequestError})",
        { Exception: TimeoutRejectedException } => "no response in time",
        { Exception: { } other } => other.GetType().Name,
        { Result: { } response } => $"HTTP {(int)response.StatusCode}",
        _ => "no response",
    };

    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    /// <summary>The response's <c>Retry-After</c> when it is within reason; null leaves the delay to the backoff.</summary>
    private static TimeSpan? RetryAfter(HttpResponseMessage? response)
    {
        var retryAfter = response?.Headers.RetryAfter;
        var delay = retryAfter?.Delta ?? (retryAfter?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
        return delay is { } d && d >= TimeSpan.Zero && d <= MaxRetryAfter ? d : null;
    }

    public void Dispose() => _http.Dispose();
}
