using System.Collections.Frozen;
using System.Net;
using McpGateway.Core.Chain;
using McpGateway.Core.Configuration;
using McpGateway.Core.Hosting;
using McpGateway.Host.Cli;
using McpGateway.Inspectors;
using McpGateway.Inspectors.Policy;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpGateway.Host.Commands;

/// <summary>
/// <c>mcpgw config check --config FILE</c>: everything <c>serve</c> would check before listening, without listening. The
/// JSON Schema's errors, the loader's, keys the binder would ignore, stdio commands that cannot be found, plugins that do
/// not load, and the inspector chain, all reported at once with their paths. Exit 0 with a one-line summary when the file is valid, 1 when it is not.
/// </summary>
internal static class ConfigCheckCommand
{
    public const int Invalid = 1;

    /// <summary><c>mcpgw config check</c> with <paramref name="args"/> (after <c>check</c>), as typed.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error) => MainCommand.Invoke(["config", "check", .. args], output, error);

    /// <param name="path">The configuration file to check.</param>
    public static int Run(string path, TextWriter output, TextWriter error)
    {
        var errors = Check(path, out var settings);
        if (errors.Count > 0)
        {
            error.WriteLine($"mcpgw: {path} has {errors.Count} error{(errors.Count == 1 ? "" : "s")}:");
            foreach (var message in errors)
            {
                error.WriteLine($"  {message}");
            }

            return Invalid;
        }

        output.WriteLine(
            $"{path}: valid; listen {settings!.Endpoint} ({(settings.Tls is null ? "plaintext" : "tls")}), auth {settings.AuthMode.ToString().ToLowerInvariant()}, "
            + $"{settings.Connections.Count} connection{(settings.Connections.Count == 1 ? "" : "s")}, inspectors: {Chain(settings)}"
            + (settings.FrontDoor is { } http ? $"; http front door {http.Endpoint} ({(http.UseTls ? "https" : "http")}), MCP at /mcp/{{connection}}" : ""));
        return 0;
    }

    /// <summary>Every mistake in the file at <paramref name="path"/>; empty when <paramref name="settings"/> is usable.</summary>
    public static List<string> Check(string path, out GatewaySettings? settings)
    {
        var errors = SchemaErrors(path);
        var schemaFound = errors.Count > 0;
        settings = null;
        try
        {
            settings = GatewayConfiguration.LoadFile(path);
            errors.AddRange(StdioCommandLookup.Missing(settings));
        }
        catch (InvalidConfigurationException ex)
        {
            // The binder stops at the first value it cannot convert; the schema has already named that one and all the others.
            errors.AddRange(ex.Errors.Where(e => !(schemaFound && e.StartsWith(BinderConversionError, StringComparison.Ordinal))));
        }

        var configuration = TryRead(path, out var parseError);
        if (configuration is null)
        {
            // Missing or unparseable: the loader said so, and nothing more can be checked. The parser's own message
            // names the line and position.
            if (parseError is not null)
            {
                errors.Add($"{path}: {parseError}");
            }

            return errors;
        }

        if (settings is null)
        {
            errors.AddRange(StdioCommandLookup.Missing(configuration, Path.GetDirectoryName(Path.GetFullPath(path))!));
        }

        errors.AddRange(ConfigurationKeyCheck.UnknownKeys(configuration));
        errors.AddRange(CheckChain(configuration, Path.GetDirectoryName(Path.GetFullPath(path))!, settings));
        return errors;
    }

    private const string BinderConversionError = "Failed to convert configuration value";

    private static List<string> SchemaErrors(string path)
    {
        try
        {
            return ConfigurationSchemaCheck.Errors(File.ReadAllText(path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Missing or unreadable: the loader says so.
            return [];
        }
    }

    private static IConfiguration? TryRead(string path, out string? parseError)
    {
        parseError = null;
        try
        {
            return new ConfigurationBuilder()
                .AddJsonFile(Path.GetFullPath(path), optional: false, reloadOnChange: false)
                .AddEnvironmentVariables("MCPGW_")
                .Build();
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException or IOException)
        {
            var innermost = ex;
            while (innermost.InnerException is not null)
            {
                innermost = innermost.InnerException;
            }

            parseError = ReferenceEquals(innermost, ex) ? null : innermost.Message;
            return null;
        }
    }

    /// <summary>
    /// The chain as <c>serve</c> would build it: built-ins, then the plugins' registrations, then the configured order.
    /// Also runs when the rest of the file is invalid, with the plugins that exist.
    /// </summary>
    private static List<string> CheckChain(IConfiguration configuration, string baseDirectory, GatewaySettings? settings)
    {
        var errors = new List<string>();
        var options = new GatewayOptions();
        try
        {
            configuration.Bind(options);
        }
        catch (InvalidOperationException)
        {
            // The loader already reported the value that does not bind.
            return errors;
        }

        // Which inspectors are registered does not depend on the auth mode; a placeholder stands in for invalid settings.
        settings ??= new GatewaySettings
        {
            Endpoint = new IPEndPoint(IPAddress.Loopback, 0),
            AuthMode = AuthMode.None,
            Connections = FrozenDictionary<string, ConnectionSettings>.Empty,
            Inspectors = [.. options.Inspectors],
            Features = ValidFeatures(configuration, options, baseDirectory),
            BaseDirectory = baseDirectory,
        };
        var plugins = options.Plugins.Select(p => Path.GetFullPath(p, baseDirectory)).Where(File.Exists).ToList();
        var services = new ServiceCollection();
        try
        {
            services.AddBuiltInInspectors(settings);
        }
        catch (InvalidConfigurationException ex)
        {
            // A built-in that cannot be registered with these settings.
            errors.AddRange(ex.Errors);
        }

        try
        {
            PluginLoader.Load(plugins, configuration.GetSection("pluginOptions"), services);
        }
        catch (InvalidConfigurationException ex)
        {
            errors.AddRange(ex.Errors.Select(e => "plugins: " + e));
        }

        var registrations = services
            .Where(d => d.ServiceType == typeof(InspectorRegistration) && d.ImplementationInstance is not null)
            .Select(d => (InspectorRegistration)d.ImplementationInstance!)
            .ToList();
        errors.AddRange(InspectorChainBuilder.Validate(registrations, [.. options.Inspectors], out _));

        // The plugins' inspector options, as serve checks them at start.
        services.AddSingleton(settings with { PluginOptions = configuration.GetSection("pluginOptions") });
        using var provider = services.BuildServiceProvider();
        errors.AddRange(InspectorChainBuilder.ValidateOptions(registrations, [.. options.Inspectors], provider));
        return errors;
    }

    /// <summary>
    /// The features' settings as far as they are valid, for the placeholder of a file with mistakes (an out-of-process
    /// inspector that is valid is registered, so the chain knows its name). Their mistakes are the loader's to report.
    /// </summary>
    private static FeatureSettings ValidFeatures(IConfiguration configuration, GatewayOptions options, string baseDirectory)
    {
        var bound = new Dictionary<Type, object?>();
        foreach (var section in GatewayConfiguration.Sections)
        {
            try
            {
                bound[section.OptionsType] = configuration.GetSection(section.Key).Get(section.OptionsType);
            }
            catch (InvalidOperationException)
            {
                bound[section.OptionsType] = null;
            }
        }

        var context = new SettingsSectionContext(options, bound, baseDirectory, []);
        foreach (var section in GatewayConfiguration.Sections)
        {
            section.Validate(bound[section.OptionsType], context);
        }

        return context.Features;
    }

    private static string Chain(GatewaySettings settings) =>
        settings.Inspectors.Count == 0 && settings.Policy is null
            ? "authentication only"
            : string.Join(" > ", ["authentication", .. settings.Policy is null ? Array.Empty<string>() : ["policy"], .. settings.Inspectors]);
}
