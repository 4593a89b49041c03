namespace McpGateway.Core.Hosting;

/// <summary>A plugin's inspector threw while inspecting a frame; the chain withholds the frame and logs this.</summary>
public sealed class PluginInspectorException : Exception
{
    public PluginInspectorException(string plugin, string inspector, Exception innerException)
        : base($"inspector '{inspector}' of plugin '{plugin}' threw {innerException?.GetType().Name}: {innerException?.Message}", innerException)
    {
        Plugin = plugin;
        Inspector = inspector;
    }

    public PluginInspectorException()
        : this("", "", new InvalidOperationException())
    {
    }

    public PluginInspectorException(string message)
        : base(message)
    {
        Plugin = "";
        Inspector = "";
    }

    public PluginInspectorException(string message, Exception innerException)
        : base(message, innerException)
    {
        Plugin = "";
        Inspector = "";
    }

    public string Plugin { get; }

    public string Inspector { get; }
}
