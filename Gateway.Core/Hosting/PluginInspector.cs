using McpGateway.Core.Chain;

namespace McpGateway.Core.Hosting;

/// <summary>
/// A plugin's inspector as the chain holds it: the same name and directions, and an exception it throws comes out
/// as a <see cref="PluginInspectorException"/> naming the plugin and the inspector. A verdict that completes
/// synchronously passes through without an allocation.
/// </summary>
internal sealed class PluginInspector(IFrameInspector inner, string plugin) : IFrameInspector
{
    public string Name => inner.Name;

    public InspectedDirections Directions => inner.Directions;

    public string Plugin => plugin;

    public IFrameInspector Inner => inner;

    public ValueTask<Verdict> InspectAsync(McpFrame frame, CancellationToken cancellationToken)
    {
        ValueTask<Verdict> pending;
        try
        {
            pending = inner.InspectAsync(frame, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new PluginInspectorException(plugin, inner.Name, ex);
        }

        return pending.IsCompletedSuccessfully ? pending : AwaitAsync(pending);
    }

    private async ValueTask<Verdict> AwaitAsync(ValueTask<Verdict> pending)
    {
        try
        {
            return await pending.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new PluginInspectorException(plugin, inner.Name, ex);
        }
    }
}
