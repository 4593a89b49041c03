namespace McpGateway.Core.Chain;

/// <summary>
/// One stage of the inspector chain. Implementations are created once when the chain is built and are called
/// concurrently for many sessions, so they keep per-session state on <see cref="IGatewaySession"/>, not in fields.
/// The <see cref="McpFrame"/> passed in is borrowed: it is valid until the returned task completes, and anything
/// that must outlive it has to be copied (or use <see cref="McpFrame.Detach"/>).
/// </summary>
public interface IFrameInspector
{
    /// <summary>The name configuration refers to it by; unique in a chain.</summary>
    string Name { get; }

    InspectedDirections Directions { get; }

    /// <summary>Decide about one frame. Complete synchronously whenever possible: a completed ValueTask allocates nothing.</summary>
    ValueTask<Verdict> InspectAsync(McpFrame frame, CancellationToken cancellationToken);
}
