using System.Text;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;
using Microsoft.Extensions.Logging;

namespace McpGateway.Core.Chain;

/// <summary>
/// The frozen, ordered inspectors of a gateway, one array per direction: authentication first, the configured
/// middle in order, masking last. Built and validated once by <see cref="InspectorChainBuilder"/>. Recording is not in
/// the chain: the session records what became of a frame once the chain has run.
/// </summary>
internal sealed class InspectorChain
{
    private readonly IFrameInspector[] _all;
    private readonly IFrameInspector[] _clientToUpstream;
    private readonly IFrameInspector[] _upstreamToClient;
    private readonly int _clientToUpstreamTail;
    private readonly int _upstreamToClientTail;
    private readonly ILogger _logger;

    /// <param name="tailLength">How many of the last inspectors in <paramref name="ordered"/> are the tail (masking).</param>
    internal InspectorChain(IFrameInspector[] ordered, ILogger logger, int tailLength = 0)
    {
        _all = ordered;
        _clientToUpstream = Array.FindAll(ordered, i => i.Directions.Includes(FrameDirection.ClientToUpstream));
        _upstreamToClient = Array.FindAll(ordered, i => i.Directions.Includes(FrameDirection.UpstreamToClient));
        var tail = ordered[^tailLength..];
        _clientToUpstreamTail = _clientToUpstream.Length - Array.FindAll(tail, i => i.Directions.Includes(FrameDirection.ClientToUpstream)).Length;
        _upstreamToClientTail = _upstreamToClient.Length - Array.FindAll(tail, i => i.Directions.Includes(FrameDirection.UpstreamToClient)).Length;
        _logger = logger;
    }

    /// <summary>Inspector names in chain order.</summary>
    public IReadOnlyList<string> Names => Array.ConvertAll(_all, i => i.Name);

    public IReadOnlyList<string> NamesFor(FrameDirection direction) => Array.ConvertAll(For(direction), i => i.Name);

    /// <summary>One line per direction, e.g. <c>client->upstream: authentication > audit-tag</c>.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        foreach (var direction in new[] { FrameDirection.ClientToUpstream, FrameDirection.UpstreamToClient })
        {
            var names = NamesFor(direction);
            text.Append(direction == FrameDirection.ClientToUpstream ? "client->upstream: " : "\nupstream->client: ");
            text.Append(names.Count == 0 ? "(pass-through)" : string.Join(" > ", names));
        }

        return text.ToString();
    }

    /// <summary>The tail's inspectors in order (masking, when it is configured and sees the direction).</summary>
    public IReadOnlyList<string> TailFor(FrameDirection direction) => NamesFor(direction).Skip(TailStart(direction)).ToArray();

    /// <summary>
    /// Runs only the tail: masking. A frame the gateway makes itself enters here, so it is masked like a relayed frame
    /// (and then recorded like one, by the session), and no inspector of the middle sees (or can send) it.
    /// </summary>
    internal ValueTask<ChainOutcome> RunTailAsync(McpFrame frame, CancellationToken cancellationToken) =>
        RunAsync(frame, TailStart(frame.Direction), cancellationToken);

    private int TailStart(FrameDirection direction) =>
        direction == FrameDirection.ClientToUpstream ? _clientToUpstreamTail : _upstreamToClientTail;

    private IFrameInspector[] For(FrameDirection direction) =>
        direction == FrameDirection.ClientToUpstream ? _clientToUpstream : _upstreamToClient;

    /// <summary>
    /// Runs the inspectors from <paramref name="start"/> on. Forward and replace go on to the next inspector; the
    /// first reject, respond or hold ends the run. An inspector that throws withholds the frame (fail closed).
    /// </summary>
    internal ValueTask<ChainOutcome> RunAsync(McpFrame frame, int start, CancellationToken cancellationToken)
    {
        var inspectors = For(frame.Direction);
        if (frame.IsEnvelopeBroken && start > 0)
        {
            // Resumed after a hold whose decision replaced the frame with another envelope.
            return new ValueTask<ChainOutcome>(EnvelopeBroken(inspectors[start - 1], start - 1));
        }

        for (var i = start; i < inspectors.Length; i++)
        {
            ValueTask<Verdict> pending;
            try
            {
                pending = inspectors[i].InspectAsync(frame, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return new ValueTask<ChainOutcome>(Failed(inspectors[i], i, ex));
            }

            if (!pending.IsCompletedSuccessfully)
            {
                return AwaitAndContinueAsync(pending, frame, i, cancellationToken);
            }

            var verdict = pending.Result;
            if (!Apply(frame, verdict))
            {
                return new ValueTask<ChainOutcome>(frame.IsEnvelopeBroken ? EnvelopeBroken(inspectors[i], i) : new ChainOutcome(verdict, i, inspectors[i].Name));
            }
        }

        return new ValueTask<ChainOutcome>(new ChainOutcome(Verdict.Forward, inspectors.Length, null));
    }

    private async ValueTask<ChainOutcome> AwaitAndContinueAsync(ValueTask<Verdict> pending, McpFrame frame, int index, CancellationToken cancellationToken)
    {
        var inspector = For(frame.Direction)[index];
        Verdict verdict;
        try
        {
            verdict = await pending.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return Failed(inspector, index, ex);
        }

        if (!Apply(frame, verdict))
        {
            return frame.IsEnvelopeBroken ? EnvelopeBroken(inspector, index) : new ChainOutcome(verdict, index, inspector.Name);
        }

        return await RunAsync(frame, index + 1, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Applies a pass-through verdict to the frame; false when the verdict ends the run.</summary>
    private static bool Apply(McpFrame frame, in Verdict verdict)
    {
        switch (verdict.Kind)
        {
            case VerdictKind.Forward:
                return true;
            case VerdictKind.Replace:
                // A replacement must keep the envelope; one that does not ends the run before anything later sees it.
                frame.ReplacePayload(verdict.Payload);
                return !frame.IsEnvelopeBroken;
            default:
                return false;
        }
    }

    private static ChainOutcome EnvelopeBroken(IFrameInspector inspector, int index) =>
        new(Verdict.Reject(GatewayErrors.InspectorFailed.WithRule(inspector.Name)), index, inspector.Name);

    private ChainOutcome Failed(IFrameInspector inspector, int index, Exception ex)
    {
        GatewayLog.InspectorFailed(_logger, inspector.Name, ex);
        return new ChainOutcome(Verdict.Reject(GatewayErrors.InspectorFailed.WithRule(inspector.Name)), index, inspector.Name);
    }
}
