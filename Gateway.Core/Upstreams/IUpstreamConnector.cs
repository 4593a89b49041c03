using McpGateway.Core.Configuration;

namespace McpGateway.Core.Upstreams;

/// <summary>Opens the upstream of a session; <see cref="UpstreamConnector"/> in production, an in-memory pipe in benchmarks.</summary>
internal interface IUpstreamConnector
{
    /// <summary>Connects or throws <see cref="UpstreamUnavailableException"/>.</summary>
    ValueTask<IUpstreamChannel> ConnectAsync(ConnectionSettings connection, CancellationToken cancellationToken);
}
