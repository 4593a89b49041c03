namespace McpGateway.Core.Sessions;

/// <summary>
/// A request waiting for its response; <see cref="Deadline"/> is a TimeProvider timestamp, long.MaxValue until forwarded.
/// <see cref="Cancelled"/>: its sender cancelled it. The entry stays as a tombstone until the receiver answers or the
/// deadline passes, so that no request reusing the id can be given the cancelled request's answer.
/// </summary>
internal readonly record struct PendingRequest(string? Method, string? ToolName, long Deadline, bool Cancelled = false);
