using McpGateway.Core.Errors;
using McpGateway.Core.Framing;

namespace McpGateway.Core.Messaging;

/// <summary>The upstream's way into the session core (see <see cref="IMessageChannel"/>): its messages, and the requests it lost.</summary>
internal interface IUpstreamInlet : ISessionInlet
{
    /// <summary>
    /// The forwarded client request <paramref name="id"/> will get no answer (its exchange failed): its caller gets
    /// <paramref name="error"/>, recorded first, exactly once; nothing happens when it was answered or failed already.
    /// Any thread, any time; the session writes that answer before its client side closes.
    /// </summary>
    void FailRequest(JsonRpcId id, GatewayError error);
}
