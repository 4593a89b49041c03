namespace McpGateway.Core.Framing;

/// <summary>
/// What one pass over a frame found: its kind, id, method and, for the methods that name one, the tool name
/// or the request id a cancellation refers to. Strings for MCP methods and recently seen tool names are
/// shared instances, so relaying an ordinary frame allocates nothing. The same pass also notes where the values
/// later stages read sit in the frame (<see cref="FrameValue"/>), so that no stage parses the frame again; they are
/// set only for a frame that passed the scan.
/// </summary>
public readonly record struct FrameEnvelope(
    MessageKind Kind,
    JsonRpcId Id,
    string? Method,
    bool IsKnownMethod,
    string? ToolName,
    JsonRpcId CancelledRequestId)
{
    /// <summary>
    /// A result naming <c>inputRequests</c> (after unescaping): a 2026-07-28 multi round-trip result whose entries are
    /// server-to-client requests, so policy must look inside it.
    /// </summary>
    public bool HasInputRequests { get; init; }

    /// <summary>The top-level <c>id</c> as written, to replace it byte for byte.</summary>
    internal FrameValue IdValue { get; init; }

    /// <summary>The <c>params</c> of a request or notification (an object or an array).</summary>
    internal FrameValue Params { get; init; }

    /// <summary>
    /// The progress token: <c>params.progressToken</c> of a <c>notifications/progress</c>, otherwise
    /// <c>params._meta.progressToken</c>, the token a request asks progress under.
    /// </summary>
    internal FrameValue ProgressToken { get; init; }

    /// <summary>
    /// What the method acts on, as <c>Mcp-Name</c> mirrors it: <c>params.name</c> of <c>tools/call</c> and
    /// <c>prompts/get</c>, <c>params.uri</c> of <c>resources/read</c>, <c>params.taskId</c> of <c>tasks/get</c>,
    /// <c>tasks/update</c> and <c>tasks/cancel</c>; absent for other methods.
    /// </summary>
    internal FrameValue Target { get; init; }

    /// <summary><c>params.protocolVersion</c> of a request (the version an initialize asks for), or <c>result.protocolVersion</c> of a response.</summary>
    internal FrameValue ProtocolVersion { get; init; }

    /// <summary><c>result.supportedVersions</c> of a response (a <c>server/discover</c> result lists the versions the server speaks).</summary>
    internal FrameValue SupportedVersions { get; init; }

    /// <summary>The 2026-07-28 per-request claim, <c>params._meta["io.modelcontextprotocol/protocolVersion"]</c>, of any JSON type.</summary>
    internal FrameValue ProtocolVersionClaim { get; init; }

    /// <summary><c>params.requestId</c> of a <c>notifications/cancelled</c> as written, to replace it byte for byte.</summary>
    internal FrameValue CancelledRequestIdValue { get; init; }

    /// <summary><c>error.data.rpcId</c>: the request a gateway error answered with <c>"id": null</c> refers to.</summary>
    internal FrameValue ErrorRpcId { get; init; }

    /// <summary><c>params.token</c> of <c>mcpgateway/authenticate</c>.</summary>
    internal FrameValue AuthenticateToken { get; init; }

    /// <summary><c>params.connection</c> of <c>mcpgateway/authenticate</c>.</summary>
    internal FrameValue AuthenticateConnection { get; init; }

    /// <summary>This envelope with the <see cref="FrameValue"/> members of <paramref name="other"/>: where the values sit in new bytes that carry the same message.</summary>
    internal FrameEnvelope WithValuesOf(in FrameEnvelope other) => this with
    {
        IdValue = other.IdValue,
        Params = other.Params,
        ProgressToken = other.ProgressToken,
        Target = other.Target,
        ProtocolVersion = other.ProtocolVersion,
        SupportedVersions = other.SupportedVersions,
        ProtocolVersionClaim = other.ProtocolVersionClaim,
        CancelledRequestIdValue = other.CancelledRequestIdValue,
        ErrorRpcId = other.ErrorRpcId,
        AuthenticateToken = other.AuthenticateToken,
        AuthenticateConnection = other.AuthenticateConnection,
    };
}
