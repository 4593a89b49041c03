using McpGateway.Core.Chain;
using McpGateway.Core.Configuration;
using McpGateway.Inspectors;

namespace McpGateway.Host.Commands;

/// <summary><c>mcpgw serve --config FILE</c>: validate everything, then listen until SIGTERM or Ctrl+C.</summary>
internal static class ServeCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = Usage.Options(args, "config");
        if (options is null || !options.TryGetValue("config", out var path))
        {
            Console.Error.WriteLine("usage: mcpgw serve --config FILE");
            return Usage.BadUsage;
        }

        try
        {
            var settings = GatewayConfiguration.LoadFile(path);
            await using var gateway = GatewayFactory.Create(settings);
            await gateway.RunAsync();
            return 0;
        }
        catch (InvalidConfigurationException ex)
        {
            Console.Error.WriteLine($"mcpgw: {path} is invalid, the gateway did not start:");
            foreach (var error in ex.Errors)
            {
                Console.Error.WriteLine($"  {error}");
            }

            return 1;
        }
        catch (InvalidChainException ex)
        {
            Console.Error.WriteLine("mcpgw: the inspector chain is invalid, the gateway did not start:");
            foreach (var error in ex.Errors)
            {
                Console.Error.WriteLine($"  {error}");
            }

            return 1;
        }
    }
}
