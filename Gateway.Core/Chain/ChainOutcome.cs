namespace McpGateway.Core.Chain;

/// <summary>The chain's verdict on a frame and the index of the inspector that gave it (for a hold: where to resume).</summary>
internal readonly record struct ChainOutcome(Verdict Verdict, int InspectorIndex, string? InspectorName);
