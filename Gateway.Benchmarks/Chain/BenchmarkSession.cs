using System.Collections.Concurrent;
using McpGateway.Core.Chain;
using McpGateway.Core.Identity;

namespace McpGateway.Benchmarks.Chain;

/// <summary>The session a chain benchmark's frame belongs to.</summary>
internal sealed class BenchmarkSession : IGatewaySession
{
    public string Id => "benchmark";

    public GatewayIdentity? Identity => null;

    public string? ConnectionName => "benchmark";

    public string? ProtocolVersion => null;

    public string? RemoteAddress => null;

    public ConcurrentDictionary<object, object?> Items { get; } = new();
}
