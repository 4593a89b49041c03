using McpGateway.Core.Chain;
using McpGateway.Core.Configuration;
using McpGateway.Host.Hosting;
using McpGateway.Inspectors;

namespace McpGateway.Host.Commands;

/// <summary><c>mcpgw serve --config FILE</c>: validate everything, then listen until SIGTERM or Ctrl+C.</summary>
internal static class ServeCommand
{
    /// <param name="path">The configuration file.</param>
    public static async Task<int> RunAsync(string path)
    {
        try
        {
            var settings = GatewayConfiguration.LoadFile(path);
            if (StdioCommandLookup.Missing(settings) is { Count: > 0 } missing)
            {
                throw new InvalidConfigurationException(missing);
            }

            if (ListenPreflight.Check(settings) is { } taken)
            {
                Console.Error.WriteLine($"mcpgw: {taken.Message}; the gateway did not start");
                return taken.ExitCode;
            }

            await using var gateway = GatewayFactory.Create(settings, SystemdNotification.AddWhenRequested);
            try
            {
                await gateway.RunAsync();
            }
            catch (IOException ex) when (ListenFailure.Describe(ex) is { } failure)
            {
                Console.Error.WriteLine($"mcpgw: {failure.Message}; the gateway did not start");
                return failure.ExitCode;
            }

            return ServeExitCodes.Stopped;
        }
        catch (InvalidConfigurationException ex)
        {
            Console.Error.WriteLine($"mcpgw: {path} is invalid, the gateway did not start:");
            foreach (var error in ex.Errors)
            {
                Console.Error.WriteLine($"  {error}");
            }

            return ServeExitCodes.InvalidConfiguration;
        }
        catch (InvalidChainException ex)
        {
            Console.Error.WriteLine("mcpgw: the inspector chain is invalid, the gateway did not start:");
            foreach (var error in ex.Errors)
            {
                Console.Error.WriteLine($"  {error}");
            }

            return ServeExitCodes.InvalidConfiguration;
        }
    }
}
