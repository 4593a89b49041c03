using System.Collections.Concurrent;
using McpGateway.Core.Identity;

namespace McpGateway.Core.Chain;

/// <summary>What inspectors may know about the session a frame belongs to.</summary>
public interface IGatewaySession
{
    /// <summary>Unique per client connection; appears in every error's correlation id.</summary>
    string Id { get; }

    /// <summary>The authenticated identity; null only before authentication succeeded.</summary>
    GatewayIdentity? Identity { get; }

    /// <summary>The configured upstream connection the session is bound to; null before authentication.</summary>
    string? ConnectionName { get; }

    /// <summary>The MCP protocol version client and upstream agreed on, once seen on the wire.</summary>
    string? ProtocolVersion { get; }

    /// <summary>Where the client connected from.</summary>
    string? RemoteAddress { get; }

    /// <summary>Per-session state for inspectors, keyed by a type or object of their own; both directions use it concurrently.</summary>
    ConcurrentDictionary<object, object?> Items { get; }

    /// <summary>
    /// Sends the client a frame the gateway made itself (one JSON-RPC notification, no newline), e.g. progress on a held
    /// call. Like a relayed frame it passes the chain's tail (masking) and is then recorded (verdict <c>generated</c>), and
    /// it is written only once its record is committed. False when it is not one notification, the tail withheld it, it
    /// could not be recorded, the client is gone or the session cannot send.
    /// </summary>
    ValueTask<bool> SendToClientAsync(ReadOnlyMemory<byte> frameJson, CancellationToken cancellationToken) => ValueTask.FromResult(false);
}
