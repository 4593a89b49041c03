using System.Reflection;
using System.Runtime.Loader;
using McpGateway.Core.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpGateway.Core.Hosting;

/// <summary>Loads the configured plugin assemblies and lets each <see cref="IGatewayPlugin"/> register its inspectors.</summary>
public static class PluginLoader
{
    public static IReadOnlyList<IGatewayPlugin> Load(IReadOnlyList<string> assemblyPaths, IConfiguration options, IServiceCollection services)
    {
        var plugins = new List<IGatewayPlugin>();
        var errors = new List<string>();
        foreach (var path in assemblyPaths)
        {
            Assembly assembly;
            try
            {
                assembly = AssemblyLoadContext.Default.LoadFromAssemblyPath(path);
            }
            catch (Exception ex) when (ex is FileNotFoundException or FileLoadException or BadImageFormatException)
            {
                errors.Add($"plugin '{path}' cannot be loaded: {ex.Message}");
                continue;
            }

            var types = assembly.GetExportedTypes()
                .Where(t => typeof(IGatewayPlugin).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
                .ToList();
            if (types.Count == 0)
            {
                errors.Add($"plugin '{path}' has no public {nameof(IGatewayPlugin)} implementation");
            }

            foreach (var type in types)
            {
                var plugin = (IGatewayPlugin)Activator.CreateInstance(type)!;
                plugin.ConfigureServices(services, options);
                plugins.Add(plugin);
            }
        }

        if (errors.Count > 0)
        {
            throw new InvalidConfigurationException(errors);
        }

        return plugins;
    }
}
