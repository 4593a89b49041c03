using McpGateway.Core.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpGateway.Samples.ToolCallQuota;

/// <summary>What the gateway finds in this assembly: it registers the inspector under its name.</summary>
public sealed class ToolCallQuotaPlugin : IGatewayPlugin
{
    public void ConfigureServices(IServiceCollection services, IConfiguration options)
    {
        var quota = new ToolCallQuotaOptions();
        options.GetSection("toolCallQuota").Bind(quota);
        if (quota.MaxCallsPerSession < 0)
        {
            throw new InvalidOperationException("pluginOptions:toolCallQuota:maxCallsPerSession must not be negative");
        }

        services.AddSingleton(quota);
        services.AddInspector<ToolCallQuotaInspector>(ToolCallQuotaInspector.InspectorName);
    }
}
