using System.Buffers;
using McpGateway.Core.Chain;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;
using McpGateway.Core.Messaging;

namespace McpGateway.Core.Sessions;

/// <summary>
/// How a notification the gateway makes itself reaches a peer: progress on a held call, whatever an inspector sends
/// through <see cref="IGatewaySession.SendToClientAsync"/>, and toward the upstream e.g. a cancellation. It must be one
/// well-formed notification, it enters the chain at its tail for its direction (masking) and is then recorded like a
/// relayed frame, and it is written only once its record is committed. A frame the tail withholds is recorded as such
/// and not sent; one that cannot be recorded is not sent (fail closed).
/// </summary>
internal sealed class GatewayFrames(GatewaySession session, GatewayRuntime runtime, Func<long> nextSequence, CancellationToken ended)
{
    private static readonly GatewayError NotANotification =
        new(GatewayErrorCode.InvalidRequest, "not_a_notification", "A frame the gateway sends on its own must be one JSON-RPC notification");

    /// <summary>Sends <paramref name="frameJson"/> (no newline) toward <paramref name="direction"/> through <paramref name="peer"/>, that direction's writer.</summary>
    /// <returns>False when the frame was refused, withheld by the tail, could not be recorded, or the peer is gone.</returns>
    public async ValueTask<bool> SendAsync(FrameDirection direction, FrameSink peer, ReadOnlyMemory<byte> frameJson, CancellationToken cancellationToken)
    {
        if (ended.IsCancellationRequested)
        {
            return false;
        }

        // The frame's bytes are the caller's: the copy is what is masked, recorded and written.
        var owned = frameJson.ToArray();
        var limits = direction == FrameDirection.UpstreamToClient ? runtime.Settings.UpstreamLimits : runtime.Settings.ClientLimits;
        var payload = new ReadOnlySequence<byte>(owned);
        var envelope = default(FrameEnvelope);
        var invalid = owned.Length > limits.MaxFrameBytes ? GatewayErrors.FrameTooLarge : new EnvelopeScanner(limits).Scan(payload, out envelope);
        if (invalid is null && envelope.Kind != MessageKind.Notification)
        {
            // A response or a request of the gateway's making could answer, or open, an exchange the peer never had.
            invalid = NotANotification;
        }

        if (invalid is not null)
        {
            GatewayFramesLog.Malformed(runtime.Logger, session.Id, invalid.Reason);
            return false;
        }

        var frame = McpFrame.Generated(session, direction, limits, owned, envelope, nextSequence());
        ChainOutcome outcome;
        try
        {
            outcome = await runtime.Chain.RunTailAsync(frame, ended).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The session ended while the tail ran.
            return false;
        }

        var verdict = outcome.Verdict;
        if (verdict.Kind is not (VerdictKind.Forward or VerdictKind.Replace))
        {
            var inspector = outcome.InspectorName ?? FrameOutcome.Gateway;
            var error = verdict.Error ?? GatewayErrors.InspectorFailed.WithRule(inspector);
            GatewayFramesLog.Withheld(runtime.Logger, session.Id, frame.Method, inspector, error.Reason);

            // Withheld (e.g. masking failed): recorded as rejected, size and hash only.
            await session.Recording.RecordAsync(FrameOutcome.Rejected(frame, inspector, error), ended).ConfigureAwait(false);
            return false;
        }

        if (!await session.Recording.RecordAsync(FrameOutcome.Relayed(frame), ended).ConfigureAwait(false))
        {
            // Fail closed: a frame that is not on record is not sent.
            return false;
        }

        try
        {
            return await peer.WriteAloneAsync(frame, static (w, f) => w.WriteFrame(f.Payload, f.Envelope), cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // The session ended meanwhile; the peer is gone.
            return false;
        }
    }
}
