using System.Reflection;
using McpGateway.Core.Chain;
using McpGateway.Core.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpGateway.Core.Hosting;

/// <summary>
/// Loads the configured plugin assemblies, each into its own <see cref="PluginLoadContext"/>, and lets each
/// <see cref="IGatewayPlugin"/> register its inspectors. Whatever fails (loading, creating the plugin, its
/// registrations) is reported with the plugin's name, every plugin's failures at once; the inspectors a plugin
/// registers carry its name, so their options' failures and the exceptions they throw name it too.
/// </summary>
internal static class PluginLoader
{
    public static IReadOnlyList<IGatewayPlugin> Load(IReadOnlyList<string> assemblyPaths, IConfiguration options, IServiceCollection services)
    {
        var plugins = new List<IGatewayPlugin>();
        var errors = new List<string>();
        foreach (var path in assemblyPaths)
        {
            var name = Path.GetFileNameWithoutExtension(path);
            Assembly assembly;
            Type[] types;
            try
            {
                assembly = new PluginLoadContext(path).LoadFromAssemblyPath(path);
                types = [.. assembly.GetExportedTypes().Where(t => typeof(IGatewayPlugin).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })];
            }
            catch (Exception ex) when (ex is FileNotFoundException or FileLoadException or BadImageFormatException or TypeLoadException or InvalidOperationException or ArgumentException)
            {
                errors.Add($"plugin '{path}' cannot be loaded: {ex.Message}");
                continue;
            }

            if (types.Length == 0)
            {
                errors.Add($"plugin '{path}' has no public {nameof(IGatewayPlugin)} implementation");
            }

            foreach (var type in types)
            {
                if (Configure(type, name, options, services, errors) is { } plugin)
                {
                    plugins.Add(plugin);
                }
            }
        }

        if (errors.Count > 0)
        {
            throw new InvalidConfigurationException(errors);
        }

        return plugins;
    }

    /// <summary>Creates the plugin and lets it register; its registrations are then marked as its own. Null when it failed.</summary>
    internal static IGatewayPlugin? Configure(Type type, string name, IConfiguration options, IServiceCollection services, List<string> errors)
    {
        var before = services.Count;
        IGatewayPlugin plugin;
        try
        {
            plugin = (IGatewayPlugin)Activator.CreateInstance(type)!;
            plugin.ConfigureServices(services, options);
        }
        catch (Exception ex)
        {
            var cause = ex is TargetInvocationException { InnerException: { } inner } ? inner : ex;
            errors.Add($"plugin '{name}' ({type.FullName}) failed to register its inspectors: {cause.GetType().Name}: {cause.Message}");

            // Half a plugin is not loaded: what it registered before it threw is taken out again.
            while (services.Count > before)
            {
                services.RemoveAt(services.Count - 1);
            }

            return null;
        }

        for (var i = before; i < services.Count; i++)
        {
            if (services[i] is { ServiceType: var serviceType, ImplementationInstance: InspectorRegistration registration } && serviceType == typeof(InspectorRegistration))
            {
                var create = registration.Create;
                services[i] = new ServiceDescriptor(typeof(InspectorRegistration), registration with
                {
                    Plugin = name,
                    Create = sp => new PluginInspector(create(sp), name),
                });
            }
        }

        return plugin;
    }
}
