using McpGateway.Core.Configuration;
using McpGateway.Core.Upstreams;

namespace McpGateway.Benchmarks.Chain;

/// <summary>Hands the one session of a relay benchmark its in-memory upstream.</summary>
internal sealed class InMemoryUpstreamConnector(IUpstreamChannel channel) : IUpstreamConnector
{
    public ValueTask<IUpstreamChannel> ConnectAsync(ConnectionSettings connection, CancellationToken cancellationToken) =>
        ValueTask.FromResult(channel);
}
