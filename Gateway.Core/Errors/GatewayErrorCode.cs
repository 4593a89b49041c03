namespace McpGateway.Core.Errors;

/// <summary>The JSON-RPC error codes the gateway itself produces (wire contract, "Errors the gateway itself returns").</summary>
public enum GatewayErrorCode
{
    ParseError = -32700,
    InvalidRequest = -32600,
    MethodNotFound = -32601,
    InvalidParams = -32602,
    Unauthenticated = -31001,
    TokenExpired = -31002,
    Forbidden = -31003,
    ApprovalDenied = -31004,
    ApprovalTimedOut = -31005,
    AuditUnavailable = -31006,
    UpstreamUnavailable = -31007,
    UpstreamTimedOut = -31008,
    Overloaded = -31009,
    UpstreamProtocolViolation = -31010,
}
