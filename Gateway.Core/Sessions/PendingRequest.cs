namespace McpGateway.Core.Sessions;

/// <summary>A request waiting for its response; <see cref="Deadline"/> is a TimeProvider timestamp, long.MaxValue until forwarded.</summary>
internal readonly record struct PendingRequest(string? Method, string? ToolName, long Deadline);
