using System.Collections.Concurrent;
using McpGateway.Core.Chain;
using McpGateway.Core.Identity;

namespace McpGateway.Tests.Masking;

/// <summary>An authenticated session for profile-selection tests.</summary>
internal sealed class MaskingSession(GatewayIdentity identity, string connection) : IGatewaySession
{
    public string Id => "masking-session";

    public GatewayIdentity? Identity => identity;

    public string? ConnectionName => connection;

    public string? ProtocolVersion => null;

    public string? RemoteAddress => null;

    public ConcurrentDictionary<object, object?> Items { get; } = new();
}
