using System.IO.Pipelines;
using McpGateway.Core.Chain;
using McpGateway.Core.Framing;

namespace McpGateway.Core.Sessions;

/// <summary>
/// One direction of a session: where frames come from, who sent them, where they go, and the state of the
/// current read batch (whether the peer's lock is held, which replies wait for the sender).
/// </summary>
internal sealed class PumpState(
    FrameDirection direction,
    PipeReader input,
    FrameLimits limits,
    FrameWriter sender,
    FrameWriter peer,
    PendingTable ownPending,
    PendingTable peerPending,
    McpFrame frame)
{
    public FrameDirection Direction { get; } = direction;

    public PipeReader Input { get; } = input;

    public FrameLimits Limits { get; } = limits;

    public EnvelopeScanner Scanner { get; } = new(limits);

    /// <summary>Where replies to this direction's sender go.</summary>
    public FrameWriter Sender { get; } = sender;

    /// <summary>Where forwarded frames go.</summary>
    public FrameWriter Peer { get; } = peer;

    /// <summary>Requests this direction's sender made that await the peer's response.</summary>
    public PendingTable OwnPending { get; } = ownPending;

    /// <summary>Requests the peer made that this direction's sender may answer.</summary>
    public PendingTable PeerPending { get; } = peerPending;

    /// <summary>The borrowed frame instance reused for every frame of this direction.</summary>
    public McpFrame Frame { get; } = frame;

    /// <summary>Nothing was read yet: a byte-order mark here is stripped.</summary>
    public bool AtConnectionStart { get; set; }

    /// <summary>Responses this direction's sender sent to requests nobody made (see <see cref="RelayRules.MaxUnsolicitedResponses"/>).</summary>
    public int UnsolicitedResponses { get; set; }

    public bool PeerEntered { get; set; }

    public bool PeerDirty { get; set; }

    /// <summary>Replies to the sender, written after the peer's lock is released so no pump ever holds two locks.</summary>
    public List<SenderReply> Replies { get; } = [];

    /// <summary>Forwarded frames of this read batch waiting for their audit records, in order; written once committed.</summary>
    public List<DeferredFrame> Deferred { get; } = [];

    public string Name => Direction == FrameDirection.ClientToUpstream ? "client->upstream" : "upstream->client";
}
