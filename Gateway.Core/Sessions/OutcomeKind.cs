namespace McpGateway.Core.Sessions;

/// <summary>What became of a frame, or of the session itself: each kind is recorded (or counted) by <see cref="SessionRecording"/> once.</summary>
internal enum OutcomeKind
{
    /// <summary>Cleared by the chain: its record, made from its final bytes once the chain has run, must commit before the frame goes on.</summary>
    Relayed,

    /// <summary>Refused, by an inspector or the gateway's own rules (the sender may get an error).</summary>
    Rejected,

    /// <summary>An inspector answered in the upstream's place.</summary>
    Responded,

    /// <summary>An inspector holds the frame until its decision comes: counted now, recorded when the decision comes.</summary>
    Held,

    /// <summary>A held frame whose decision never came: the session ended, or the request was cancelled.</summary>
    Withdrawn,

    /// <summary>Read but not relayed and not answered: an unsolicited answer, or anything read after the session was aborted.</summary>
    Dropped,

    /// <summary>Broke the parsing rule, was over the size limit, or had no end.</summary>
    Invalid,

    /// <summary>A notification the gateway makes itself outside the chain (a cancellation).</summary>
    Generated,

    /// <summary>An error the gateway sends in place of an answer that will not come (timeout, upstream gone).</summary>
    Answered,

    /// <summary>The session began: recorded before the upstream is reached.</summary>
    SessionStarted,

    /// <summary>The connection was refused before its session began.</summary>
    SessionRefused,

    /// <summary>The session ended.</summary>
    SessionEnded,
}
