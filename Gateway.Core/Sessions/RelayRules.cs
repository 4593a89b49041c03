using McpGateway.Core.Errors;
using McpGateway.Core.Framing;

namespace McpGateway.Core.Sessions;

/// <summary>The protocol rules a session applies to a frame before the chain sees it, as pure functions of the frame and session state.</summary>
internal static class RelayRules
{
    /// <summary>A client that sent more responses to requests the gateway never sent than this is closed.</summary>
    public const int MaxUnsolicitedResponses = 100;

    /// <summary>
    /// A notification carrying a request method (any MCP era), or any <c>mcpgateway/*</c> method, is never relayed:
    /// the rules that guard the request (a tool's block or approve rule, authentication) cannot see it as one.
    /// </summary>
    public static GatewayError? CheckNotification(string? method) =>
        MethodCatalog.IsRequestMethod(method) ? GatewayErrors.RequestAsNotification : null;

    /// <summary>The protocol version (2026-07-28) from which servers send clients no requests of their own.</summary>
    public const string NoServerRequestsVersion = "2026-07-28";

    /// <summary>
    /// Whether the upstream may send the client a request in a session that negotiated <paramref name="protocolVersion"/>:
    /// from 2026-07-28 on it may not (what it needs comes back in input_required results), so such a request goes back
    /// to it as -32601.
    /// </summary>
    public static bool AllowsServerRequests(string? protocolVersion) =>
        protocolVersion is null || string.CompareOrdinal(protocolVersion, NoServerRequestsVersion) < 0;

    /// <summary>Whether a frame of <paramref name="method"/> may ever be written to an upstream: the gateway's own methods may not.</summary>
    public static bool MayReachUpstream(string? method) => !MethodCatalog.IsGatewayMethod(method);
}
