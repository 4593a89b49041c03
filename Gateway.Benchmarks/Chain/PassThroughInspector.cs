using McpGateway.Core.Chain;

namespace McpGateway.Benchmarks.Chain;

/// <summary>An inspector that looks at nothing and forwards every frame, synchronously.</summary>
internal sealed class PassThroughInspector(string name) : IFrameInspector
{
    public string Name => name;

    public InspectedDirections Directions => InspectedDirections.Both;

    public ValueTask<Verdict> InspectAsync(McpFrame frame, CancellationToken cancellationToken) => default;
}
