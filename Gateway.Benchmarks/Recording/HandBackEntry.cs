namespace McpGateway.Benchmarks.Recording;

/// <summary>A record in <see cref="HandBackWriter"/>'s queue, and what to complete when it is committed (null: nothing, a later record of its batch carries the wait).</summary>
internal readonly record struct HandBackEntry(long Record, object? Waiter);
