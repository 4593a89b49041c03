using System.Reflection;
using System.Runtime.Loader;

namespace McpGateway.Core.Hosting;

/// <summary>
/// One plugin assembly and its own dependencies, apart from the gateway's: a plugin may bring a library in another
/// version than the gateway uses. The contract (McpGateway.Core) and the shared framework always come from the host,
/// or the plugin's <see cref="Chain.IFrameInspector"/> would be another type than the chain's.
/// </summary>
internal sealed class PluginLoadContext : AssemblyLoadContext
{
    private static readonly string ContractName = typeof(IGatewayPlugin).Assembly.GetName().Name!;

    private readonly AssemblyDependencyResolver _resolver;

    public PluginLoadContext(string pluginPath)
        : base($"plugin:{Path.GetFileNameWithoutExtension(pluginPath)}", isCollectible: false)
        => _resolver = new AssemblyDependencyResolver(pluginPath);

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (string.Equals(assemblyName.Name, ContractName, StringComparison.Ordinal))
        {
            return null;
        }

        // The plugin's own dependencies from its directory (per its .deps.json); anything else (the framework) from the host.
        return _resolver.ResolveAssemblyToPath(assemblyName) is { } path ? LoadFromAssemblyPath(path) : null;
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName) =>
        _resolver.ResolveUnmanagedDllToPath(unmanagedDllName) is { } path ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;
}
