namespace McpGateway.Core.Recording;

/// <summary>
/// One audit event as the gateway hands it to the store. The store adds the sequence number and the hash chain
/// (<see cref="StoredAuditRecord"/>). Never holds a token (only its hash) nor the raw bytes of a rejected frame
/// (only its size and SHA-256); <see cref="Payload"/> is masked before it gets here.
/// </summary>
internal sealed record AuditRecord
{
    /// <summary>Microseconds since the Unix epoch, UTC.</summary>
    public required long TimeMicros { get; init; }

    public required AuditEventKind Kind { get; init; }

    public required string SessionId { get; init; }

    public string? Subject { get; init; }

    public string? ClientId { get; init; }

    /// <summary>The identity's groups, joined with <c>\n</c>.</summary>
    public string? Groups { get; init; }

    public string? TokenHash { get; init; }

    public string? Connection { get; init; }

    public string? RemoteAddress { get; init; }

    public string? ProtocolVersion { get; init; }

    /// <summary><c>client_to_upstream</c> or <c>upstream_to_client</c>; null for session events.</summary>
    public string? Direction { get; init; }

    /// <summary>The frame's ordinal in its session.</summary>
    public long? FrameSequence { get; init; }

    /// <summary><c>request</c>, <c>notification</c>, <c>response</c>, <c>error</c>.</summary>
    public string? MessageKind { get; init; }

    /// <summary>The JSON-RPC id as JSON text.</summary>
    public string? RpcId { get; init; }

    public string? Method { get; init; }

    public string? Tool { get; init; }

    /// <summary><c>forwarded</c>, <c>replaced</c>, <c>rejected</c>, <c>responded</c>, <c>dropped</c>, <c>invalid</c>, <c>withdrawn</c>; <c>generated</c> for an error the gateway sent in place of a response.</summary>
    public string? Verdict { get; init; }

    /// <summary>The inspector (or <c>gateway</c>) that decided, and its rule when it gave one.</summary>
    public string? Inspector { get; init; }

    /// <summary>The error reason of a rejection, or a session's end reason.</summary>
    public string? Reason { get; init; }

    public int? ErrorCode { get; init; }

    /// <summary>Size of the frame as received, in bytes.</summary>
    public long? Size { get; init; }

    /// <summary>Lower-case hex SHA-256 of the frame as received.</summary>
    public string? PayloadSha256 { get; init; }

    /// <summary>The frame's JSON after masking; null when it is not kept (rejected or invalid input).</summary>
    public byte[]? Payload { get; init; }
}
