namespace McpGateway.Core.Framing;

/// <summary>
/// What one pass over a frame found: its kind, id, method and, for the methods that name one, the tool name
/// or the request id a cancellation refers to. Strings for MCP methods and recently seen tool names are
/// shared instances, so relaying an ordinary frame allocates nothing.
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
}
