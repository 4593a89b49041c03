using System.Collections.Concurrent;
using McpGateway.Core.Chain;
using McpGateway.Core.Identity;

namespace McpGateway.Tests.Chain;

internal sealed class FakeSession : IGatewaySession
{
    public string Id => "test-session";

    public GatewayIdentity? Identity => null;

    public string? ConnectionName => "test";

    public string? ProtocolVersion => null;

    public string? RemoteAddress => null;

    public ConcurrentDictionary<object, object?> Items { get; } = new();
}
