using Microsoft.Extensions.Configuration;

namespace McpGateway.Inspectors.Policy;

/// <summary>Reads the <c>policy</c> section of a configuration file the way the gateway read it at start (with <c>MCPGW_</c> overrides).</summary>
internal static class PolicyFileReader
{
    /// <summary>The section, or null with the reason in <paramref name="errors"/>.</summary>
    public static PolicyOptions? Read(string path, List<string> errors)
    {
        try
        {
            var configuration = new ConfigurationBuilder()
                .AddJsonFile(path, optional: false, reloadOnChange: false)
                .AddEnvironmentVariables("MCPGW_")
                .Build();
            var section = configuration.GetSection("policy");
            if (!section.Exists())
            {
                errors.Add("policy: the section was removed; a running gateway keeps its policy until it restarts");
                return null;
            }

            var options = new PolicyOptions();
            section.Bind(options);
            return options;
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException or IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            errors.Add($"{path}: {ex.Message}");
            return null;
        }
    }
}
