using McpGateway.Core.Errors;
using McpGateway.Core.Framing;

namespace McpGateway.Core.Upstreams;

/// <summary>
/// A channel that can lose one exchange without losing the whole upstream (Streamable HTTP: one POST per message).
/// It reports the forwarded client request that will get no answer, and the session answers that call with the
/// error, exactly once.
/// </summary>
internal interface IReportsRequestFailures
{
    /// <summary>Called once by the session before any frame flows.</summary>
    void OnRequestFailed(Action<JsonRpcId, GatewayError> fail);
}
