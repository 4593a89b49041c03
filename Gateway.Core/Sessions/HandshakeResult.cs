using McpGateway.Core.Errors;

namespace McpGateway.Core.Sessions;

/// <summary>
/// The handshake's outcome: the session's start, or the refusal the client gets (already recorded). <see cref="Sequence"/>
/// is the refusal's place in the session (0 before the session began) for its correlation id.
/// </summary>
internal readonly record struct HandshakeResult(SessionStart? Start, GatewayError? Refusal, long Sequence = 0)
{
    public static HandshakeResult Started(SessionStart start) => new(start, null);

    public static HandshakeResult Refused(GatewayError error, long sequence = 0) => new(null, error, sequence);

    /// <summary>The connection ended before anything could be decided (nothing to answer).</summary>
    public static HandshakeResult Gone { get; } = new(null, null);
}
