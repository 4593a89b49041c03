using System.Collections.Frozen;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;

namespace McpGateway.Core.Sessions;

/// <summary>The protocol rules a session applies to a frame before the chain sees it, as pure functions of the frame and session state.</summary>
internal static class RelayRules
{
    /// <summary>A client that sent more responses to requests the gateway never sent than this is closed.</summary>
    public const int MaxUnsolicitedResponses = 100;

    /// <summary>The protocol version (2026-07-28) from which servers send clients no requests of their own.</summary>
    public const string NoServerRequestsVersion = "2026-07-28";

    /// <summary>
    /// A notification carrying a request method (any MCP era), or any <c>mcpgateway/*</c> method, is never relayed:
    /// the rules that guard the request (a tool's block or approve rule, authentication) cannot see it as one.
    /// </summary>
    public static GatewayError? CheckNotification(string? method) =>
        MethodCatalog.IsRequestMethod(method) ? GatewayErrors.RequestAsNotification : null;

    /// <summary>
    /// Whether the upstream may send the client a request in a session that negotiated <paramref name="protocolVersion"/>:
    /// from 2026-07-28 on it may not (what it needs comes back in input_required results), so such a request goes back
    /// to it as -32601.
    /// </summary>
    public static bool AllowsServerRequests(string? protocolVersion) =>
        protocolVersion is null || string.CompareOrdinal(protocolVersion, NoServerRequestsVersion) < 0;

    /// <summary>Whether a frame of <paramref name="method"/> may ever be written to an upstream: the gateway's own methods may not.</summary>
    public static bool MayReachUpstream(string? method) => !MethodCatalog.IsGatewayMethod(method);

    /// <summary>
    /// Methods no MCP version defines are refused unless configuration allows them (<paramref name="allowedMethods"/>);
    /// the gateway's own never pass upstream, and only <c>mcpgateway/authenticate</c> (a renewal, answered by the
    /// gateway) comes from the client at all.
    /// </summary>
    public static bool IsRelayable(FrameDirection direction, in FrameEnvelope envelope, FrozenSet<string> allowedMethods)
    {
        if (direction == FrameDirection.ClientToUpstream && envelope.Method != McpMethods.Authenticate && !MayReachUpstream(envelope.Method))
        {
            return false;
        }

        if (envelope.IsKnownMethod)
        {
            return envelope.Method != McpMethods.Authenticate || direction == FrameDirection.ClientToUpstream;
        }

        return allowedMethods.Contains(envelope.Method!);
    }

    /// <summary>
    /// The gateway's own answer to a request, before any pending table or inspector sees it; null when it may go on.
    /// A draining gateway takes no new client request; an unknown or gateway method, or a server request in an era
    /// without them, is -32601; before the handshake succeeded only ping and the handshake pass.
    /// </summary>
    public static GatewayError? RefuseRequest(FrameDirection direction, in FrameEnvelope envelope, in SessionFacts session)
    {
        var fromClient = direction == FrameDirection.ClientToUpstream;
        if (fromClient && session.Draining)
        {
            return GatewayDrain.ShuttingDown;
        }

        if (!IsRelayable(direction, envelope, session.AllowedMethods) || (!fromClient && !AllowsServerRequests(session.ProtocolVersion)))
        {
            return GatewayErrors.MethodNotFound;
        }

        return fromClient && !session.LifecycleOpen && !LifecycleGate.AllowedBeforeInitialize(envelope.Method)
            ? GatewayErrors.NotInitialized
            : null;
    }

    /// <summary>What becomes of a notification before the chain: relayed (null), or not, with how it is recorded.</summary>
    public static NotificationRefusal? RefuseNotification(FrameDirection direction, in FrameEnvelope envelope, in SessionFacts session)
    {
        if (CheckNotification(envelope.Method) is { } misuse)
        {
            return new NotificationRefusal(misuse, NotificationFate.Invalid);
        }

        if (!IsRelayable(direction, envelope, session.AllowedMethods))
        {
            return new NotificationRefusal(GatewayErrors.MethodNotFound, NotificationFate.Dropped);
        }

        // Nothing but ping and the handshake before initialize has succeeded; a notification gets no answer.
        return direction == FrameDirection.ClientToUpstream && !session.LifecycleOpen
            ? new NotificationRefusal(GatewayErrors.NotInitialized, NotificationFate.Rejected)
            : null;
    }

    /// <summary>
    /// Whether a frame that broke the parsing rule answers a request of the peer (it has an id and no method: the
    /// scanner vouches only for those, and Kind is not decided), so that the peer gets an error in its place.
    /// </summary>
    public static bool IsBrokenResponse(in FrameEnvelope envelope) => envelope.Method is null && envelope.Id.IsValue;

    /// <summary>A broken frame from the upstream that still named a method and an id: the upstream gets the error, as a request would.</summary>
    public static bool IsAnswerableRequest(in FrameEnvelope envelope) => envelope.Method is not null && envelope.Id.IsValue;
}
