using McpGateway.Core.Chain;

namespace McpGateway.Tests.Chain;

/// <summary>A test inspector that notes what it saw and answers with a scripted verdict.</summary>
internal sealed class RecordingInspector(string name, InspectedDirections directions, Func<McpFrame, ValueTask<Verdict>>? decide = null) : IFrameInspector
{
    public List<string> Seen { get; } = [];

    public string Name => name;

    public InspectedDirections Directions => directions;

    public ValueTask<Verdict> InspectAsync(McpFrame frame, CancellationToken cancellationToken)
    {
        lock (Seen)
        {
            Seen.Add($"{frame.Direction}:{frame.Method}");
        }

        return decide?.Invoke(frame) ?? ValueTask.FromResult(Verdict.Forward);
    }
}
