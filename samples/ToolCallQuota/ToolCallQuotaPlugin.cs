using McpGateway.Core.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpGateway.Samples.ToolCallQuota;

/// <summary>
/// What the gateway finds in this assembly: it registers the inspector under its name, with its options bound from
/// <c>pluginOptions:toolCallQuota</c> and validated when the gateway starts.
/// </summary>
public sealed class ToolCallQuotaPlugin : IGatewayPlugin
{
    public const string OptionsSection = "toolCallQuota";

    public void ConfigureServices(IServiceCollection services, IConfiguration options) =>
        services.AddInspector<ToolCallQuotaInspector, ToolCallQuotaOptions>(ToolCallQuotaInspector.InspectorName, OptionsSection);
}
