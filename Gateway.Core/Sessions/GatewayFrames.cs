using System.Buffers;
using McpGateway.Core.Chain;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;
using McpGateway.Core.Recording;

namespace McpGateway.Core.Sessions;

/// <summary>
/// The only way for a frame the gateway makes itself (progress on a held call, and whatever an inspector sends through
/// <see cref="IGatewaySession.SendToClientAsync"/>) to reach the client: it must be one well-formed notification, it
/// enters the chain at its tail (masking, then recording) like a relayed frame, and it is written only once its record
/// is committed. A frame the tail withholds is recorded as such and not sent; one that cannot be recorded is not sent.
/// </summary>
internal sealed class GatewayFrames(GatewaySession session, GatewayRuntime runtime, FrameWriter client, Func<long> nextSequence, CancellationToken ended)
{
    private static readonly GatewayError NotANotification =
        new(GatewayErrorCode.InvalidRequest, "not_a_notification", "A frame the gateway sends on its own must be one JSON-RPC notification");

    /// <summary>False when the frame was refused, withheld by the tail, could not be recorded, or the client is gone.</summary>
    public async ValueTask<bool> SendToClientAsync(ReadOnlyMemory<byte> frameJson, CancellationToken cancellationToken)
    {
        if (ended.IsCancellationRequested)
        {
            return false;
        }

        // The frame's bytes are the caller's: the copy is what is masked, recorded and written.
        var owned = frameJson.ToArray();
        var limits = runtime.Settings.UpstreamLimits;
        var payload = new ReadOnlySequence<byte>(owned);
        var envelope = default(FrameEnvelope);
        var invalid = owned.Length > limits.MaxFrameBytes ? GatewayErrors.FrameTooLarge : new EnvelopeScanner(limits).Scan(payload, out envelope);
        if (invalid is null && envelope.Kind != MessageKind.Notification)
        {
            // A response or a request of the gateway's making could answer, or open, an exchange the client never had.
            invalid = NotANotification;
        }

        if (invalid is not null)
        {
            GatewayFramesLog.Malformed(runtime.Logger, session.Id, invalid.Reason);
            return false;
        }

        var frame = McpFrame.Generated(session, FrameDirection.UpstreamToClient, limits, owned, envelope, nextSequence());
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
            var inspector = outcome.InspectorName ?? "gateway";
            var error = verdict.Error ?? GatewayErrors.InspectorFailed.WithRule(inspector);
            runtime.Metrics.Verdict(inspector, VerdictKind.Reject, error);
            GatewayFramesLog.Withheld(runtime.Logger, session.Id, frame.Method, inspector, error.Reason);
            if (runtime.Recorder is { } recorder && inspector != ISessionRecorder.InspectorName)
            {
                // Withheld (e.g. masking failed): recorded as rejected, size and hash only. What recording refused it could not record.
                await recorder.NotForwardedAsync(session, frame.Direction, frame.Envelope, null, null, frame.Payload, frame.Sequence, "rejected", inspector, error).ConfigureAwait(false);
            }

            return false;
        }

        if (frame.RecordCommitted is { } record)
        {
            try
            {
                await record.WaitAsync(ended).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is AuditUnavailableException or OperationCanceledException)
            {
                // Fail closed: a frame that is not on record is not sent.
                runtime.Metrics.Verdict(ISessionRecorder.InspectorName, VerdictKind.Reject, GatewayErrors.AuditUnavailable);
                return false;
            }
        }

        try
        {
            return await client.WriteAloneAsync(frame, static (w, f) => w.WriteFrame(f.Payload), cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // The session ended meanwhile; the client is gone.
            return false;
        }
    }
}
