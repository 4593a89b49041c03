using System.Buffers;
using McpGateway.Core.Framing;

namespace McpGateway.Core.Chain;

/// <summary>
/// One JSON-RPC message on its way through the chain. The pump reuses one instance per direction, so a frame
/// is borrowed: valid until the inspector's task completes. <see cref="Detach"/> gives an owned copy.
/// </summary>
public sealed class McpFrame
{
    private FrameEnvelope _envelope;
    private string? _requestMethod;
    private string? _requestToolName;
    private readonly FrameLimits _limits;

    internal McpFrame(IGatewaySession session, FrameDirection direction, FrameLimits? limits = null)
    {
        Session = session;
        Direction = direction;
        _limits = limits ?? FrameLimits.Default;
    }

    public IGatewaySession Session { get; }

    public FrameDirection Direction { get; }

    /// <summary>The frame's JSON text, without its newline. May span several buffer segments.</summary>
    public ReadOnlySequence<byte> Payload { get; private set; }

    public FrameEnvelope Envelope => _envelope;

    public MessageKind Kind => _envelope.Kind;

    public JsonRpcId Id => _envelope.Id;

    /// <summary>The method of a request or notification; for a response, the method of the request it answers.</summary>
    public string? Method => _envelope.Method ?? _requestMethod;

    /// <summary>The tool of a <c>tools/call</c> request, or of the request a response answers.</summary>
    public string? ToolName => _envelope.ToolName ?? _requestToolName;

    /// <summary>The frame's ordinal in its session, counting both directions.</summary>
    public long Sequence { get; private set; }

    /// <summary>True once an inspector replaced the payload.</summary>
    public bool IsReplaced { get; private set; }

    /// <summary>True when a replacement changed the envelope (kind, id, method, tool) or broke the parsing rule: the chain rejects the frame.</summary>
    internal bool IsEnvelopeBroken { get; private set; }

    /// <summary>True for a frame the gateway made itself (progress on a held call, ...): it enters the chain at its tail (masking) and is recorded as <c>generated</c>.</summary>
    public bool IsGenerated { get; private set; }

    /// <summary>True when this instance owns its payload (a detached copy).</summary>
    public bool IsDetached { get; private set; }

    /// <summary>Copies the frame so that it outlives the pump's buffer.</summary>
    public McpFrame Detach()
    {
        var copy = new McpFrame(Session, Direction, _limits);
        copy.Reset(new ReadOnlySequence<byte>(Payload.ToArray()), _envelope, _requestMethod, _requestToolName, Sequence);
        copy.IsDetached = true;
        copy.IsReplaced = IsReplaced;
        copy.IsEnvelopeBroken = IsEnvelopeBroken;
        copy.IsGenerated = IsGenerated;
        return copy;
    }

    /// <summary>A frame the gateway made itself, owning <paramref name="payload"/>.</summary>
    internal static McpFrame Generated(IGatewaySession session, FrameDirection direction, FrameLimits limits, ReadOnlyMemory<byte> payload, in FrameEnvelope envelope, long sequence)
    {
        var frame = new McpFrame(session, direction, limits);
        frame.Reset(new ReadOnlySequence<byte>(payload), envelope, null, null, sequence);
        frame.IsDetached = true;
        frame.IsGenerated = true;
        return frame;
    }

    internal void Reset(in ReadOnlySequence<byte> payload, in FrameEnvelope envelope, string? requestMethod, string? requestToolName, long sequence)
    {
        Payload = payload;
        _envelope = envelope;
        _requestMethod = requestMethod;
        _requestToolName = requestToolName;
        Sequence = sequence;
        IsReplaced = false;
        IsEnvelopeBroken = false;
        IsGenerated = false;
    }

    /// <summary>For a response: the method and tool of the request it answers, as the pump found them.</summary>
    internal string? RequestMethod => _requestMethod;

    internal string? RequestToolName => _requestToolName;

    /// <summary>After a replace: same envelope, new bytes. The new bytes are scanned again; see <see cref="IsEnvelopeBroken"/>.</summary>
    internal void ReplacePayload(ReadOnlyMemory<byte> payload)
    {
        Payload = new ReadOnlySequence<byte>(payload);
        IsReplaced = true;
        var error = new EnvelopeScanner(_limits).Scan(Payload, out var rescanned);
        IsEnvelopeBroken |= error is not null || rescanned.Kind != _envelope.Kind || rescanned.Id != _envelope.Id
            || !string.Equals(rescanned.Method, _envelope.Method, StringComparison.Ordinal)
            || !string.Equals(rescanned.ToolName, _envelope.ToolName, StringComparison.Ordinal);

        // The values later stages read are found where they sit in the new bytes (nowhere, when those are no message).
        _envelope = _envelope.WithValuesOf(error is null ? rescanned : default);
    }

    public override string ToString() => $"{Direction} {Kind} id={Id} method={Method} tool={ToolName} bytes={Payload.Length}";
}
