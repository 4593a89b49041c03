using System.Collections.Frozen;
using System.Net.Sockets;
using McpGateway.Core.Configuration;
using McpGateway.Core.Buffers;
using McpGateway.Core.Upstreams.Http;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace McpGateway.Core.Upstreams;

/// <summary>
/// Opens the upstream of a session. Each connection gets one resilience pipeline (built once): a timeout per
/// attempt inside exponential, jittered retries for failures that may pass (refused, reset, timed out).
/// </summary>
internal sealed class UpstreamConnector : IUpstreamConnector, IDisposable
{
    private readonly FrozenDictionary<string, ResiliencePipeline> _pipelines;
    private readonly FrozenDictionary<string, HttpUpstreamClient> _httpClients;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly WarmUpstreams? _warm;

    // The upstream sockets' pipe blocks: the listener's size, shared by every tcp connection.
    private readonly BlockMemoryPool _blocks = new();

    /// <param name="warm">Sockets connected ahead of sessions, for the tcp connections that keep some.</param>
    public UpstreamConnector(GatewaySettings settings, TimeProvider timeProvider, ILogger logger, WarmUpstreams? warm = null)
    {
        _logger = logger;
        _timeProvider = timeProvider;
        _warm = warm;
        _pipelines = settings.Connections.ToFrozenDictionary(
            pair => pair.Key,
            pair => BuildPipeline(pair.Value, timeProvider, logger),
            StringComparer.Ordinal);

        // One pooled HTTP client per http connection, shared by all its sessions.
        _httpClients = settings.Connections.Values.OfType<HttpConnectionSettings>().ToFrozenDictionary(
            http => http.Name,
            http => new HttpUpstreamClient(http, settings.UpstreamLimits, timeProvider, logger),
            StringComparer.Ordinal);
    }

    private static ResiliencePipeline BuildPipeline(ConnectionSettings connection, TimeProvider timeProvider, ILogger logger)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = timeProvider };
        if (connection.ConnectRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = connection.ConnectRetries,
                BackoffType = DelayBackoffType.Exponential,
                Delay = TimeSpan.FromMilliseconds(100),
                MaxDelay = TimeSpan.FromSeconds(5),
                UseJitter = true,
                ShouldHandle = new PredicateBuilder()
                    .Handle<SocketException>()
                    .Handle<IOException>()
                    .Handle<TimeoutRejectedException>(),
                OnRetry = args =>
                {
                    GatewayLog.UpstreamRetry(logger, connection.Name, args.AttemptNumber + 1, args.RetryDelay);
                    return default;
                },
            });
        }

        return builder.AddTimeout(connection.ConnectTimeout).Build();
    }

    /// <summary>Connects or throws <see cref="UpstreamUnavailableException"/> once the retries are spent.</summary>
    public async ValueTask<IUpstreamChannel> ConnectAsync(ConnectionSettings connection, CancellationToken cancellationToken)
    {
        if (_warm is not null && connection is TcpConnectionSettings && _warm.TryTake(connection.Name, out Socket? warm))
        {
            return TcpUpstreamChannel.Open(warm, _blocks);
        }

        try
        {
            return await _pipelines[connection.Name].ExecuteAsync(
                async token => connection switch
                {
                    StdioConnectionSettings stdio => (IUpstreamChannel)StdioUpstreamChannel.Start(stdio, _logger, _timeProvider),
                    TcpConnectionSettings tcp => await TcpUpstreamChannel.ConnectAsync(tcp, _blocks, token).ConfigureAwait(false),
                    HttpConnectionSettings http => HttpUpstreamChannel.Open(_httpClients[http.Name]),
                    _ => throw new UpstreamUnavailableException($"unsupported transport for '{connection.Name}'"),
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or IOException or TimeoutRejectedException or InvalidOperationException)
        {
            throw new UpstreamUnavailableException($"upstream '{connection.Name}' is unavailable: {ex.Message}", ex);
        }
    }

    public void Dispose()
    {
        foreach (var client in _httpClients.Values)
        {
            client.Dispose();
        }

        _blocks.Dispose();
    }
}
