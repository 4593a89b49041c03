namespace McpGateway.Core.Messaging;

/// <summary>
/// An upstream that exchanges whole messages with the session core instead of NDJSON bytes (Streamable HTTP: one
/// POST per message). Offered by <see cref="Upstreams.IUpstreamChannel.Messages"/>; the session then uses neither
/// of the channel's pipes.
/// </summary>
internal interface IMessageChannel
{
    /// <summary>Where the core writes the messages bound for the upstream (one <see cref="MessageFrameSink.Deliver"/> per message).</summary>
    FrameSink Sink { get; }

    /// <summary>
    /// Delivers the upstream's messages, scanned, into <paramref name="inlet"/> until the upstream ends (then it
    /// returns; <see cref="Upstreams.IUpstreamChannel.EndError"/> says why, if on purpose). Called once per session.
    /// </summary>
    Task RunAsync(IUpstreamInlet inlet, CancellationToken cancellationToken);
}
