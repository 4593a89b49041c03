using System.Collections.Concurrent;
using McpGateway.Core.Chain;
using McpGateway.Core.Identity;

namespace McpGateway.Benchmarks.Policy;

/// <summary>An authenticated session on connection <c>db</c>, as the policy inspector sees it.</summary>
internal sealed class PolicyBenchmarkSession : IGatewaySession
{
    public string Id => "policy-benchmark";

    public GatewayIdentity? Identity { get; } = new("alice", "agent-cli", ["mcp-users", "engineering"], DateTimeOffset.MaxValue, "hash");

    public string? ConnectionName => "db";

    public string? ProtocolVersion => null;

    public string? RemoteAddress => null;

    public ConcurrentDictionary<object, object?> Items { get; } = new();
}
