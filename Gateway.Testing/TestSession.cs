using System.Collections.Concurrent;
using McpGateway.Core.Chain;
using McpGateway.Core.Identity;

namespace McpGateway.Testing;

/// <summary>
/// A session as an inspector sees it, for unit tests: an authenticated identity on a named connection, its own
/// <see cref="Items"/>, and the frames the inspector sent the client (<see cref="SentToClient"/>).
/// </summary>
public sealed class TestSession : IGatewaySession
{
    private readonly ConcurrentQueue<string> _sent = new();

    public TestSession(GatewayIdentity? identity, string? connectionName, string? id = null)
    {
        Identity = identity;
        ConnectionName = connectionName;
        Id = id ?? Guid.NewGuid().ToString("N");
    }

    public string Id { get; }

    public GatewayIdentity? Identity { get; }

    public string? ConnectionName { get; }

    public string? ProtocolVersion { get; set; } = "2025-06-18";

    public string? RemoteAddress { get; set; } = "127.0.0.1";

    public ConcurrentDictionary<object, object?> Items { get; } = new();

    /// <summary>The frames the inspector sent the client through <see cref="SendToClientAsync"/>, in order.</summary>
    public IReadOnlyList<string> SentToClient => [.. _sent];

    /// <summary>An identity as authentication would make it, valid for an hour from now.</summary>
    public static GatewayIdentity IdentityOf(string subject, params IReadOnlyList<string> groups) =>
        new(subject, "test-client", groups, DateTimeOffset.UtcNow.AddHours(1), "test-token-hash");

    public ValueTask<bool> SendToClientAsync(ReadOnlyMemory<byte> frameJson, CancellationToken cancellationToken)
    {
        _sent.Enqueue(System.Text.Encoding.UTF8.GetString(frameJson.Span));
        return ValueTask.FromResult(true);
    }
}
