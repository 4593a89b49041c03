using System.Buffers;
using McpGateway.Core.Diagnostics;
using McpGateway.Core.Framing;
using Microsoft.Extensions.Logging;

namespace McpGateway.Core.Sessions;

/// <summary>
/// What the session knows of the MCP conversation it relays: the protocol version client and upstream settled on, and
/// the lifecycle gate (opened by the upstream pump when the handshake succeeds, read by the client pump).
/// </summary>
internal sealed class SessionProtocol(string sessionId, ILogger logger)
{
    private volatile string? _version;

    /// <summary>The version the upstream's answer to the handshake named, once seen.</summary>
    public string? Version => _version;

    public LifecycleGate Lifecycle { get; } = new();

    /// <summary>The upstream answered a request of <paramref name="requestMethod"/> with a result: initialize or server/discover settle the version and may open the lifecycle.</summary>
    public void ObserveAnswer(string? requestMethod, in FrameEnvelope envelope, in ReadOnlySequence<byte> response)
    {
        if (requestMethod is not (McpMethods.Initialize or McpMethods.ServerDiscover))
        {
            return;
        }

        if (McpProtocolVersions.Negotiated(envelope, response) is { } version)
        {
            _version = version;
            GatewayLog.ProtocolNegotiated(logger, sessionId, version);
        }

        if (LifecycleGate.Completes(requestMethod, _version))
        {
            Lifecycle.Open();
        }
    }
}
