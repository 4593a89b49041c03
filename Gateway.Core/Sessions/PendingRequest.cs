namespace McpGateway.Core.Sessions;

/// <summary>
/// A request waiting for its response; <see cref="Deadline"/> is a TimeProvider timestamp, long.MaxValue until forwarded.
/// <see cref="Cancelled"/>: its sender cancelled it, or the gateway gave up on it (timed out). The entry stays as a tombstone until the receiver answers or the
/// deadline passes, so that no request reusing the id can be given the cancelled request's answer.
/// <see cref="Generation"/>: which request under this id it is (unique per table, never 0), so that a late report about
/// an earlier request with the same id cannot reach this one.
/// </summary>
internal readonly record struct PendingRequest(string? Method, string? ToolName, long Deadline, bool Cancelled = false, long Generation = 0);
