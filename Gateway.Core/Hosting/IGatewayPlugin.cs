using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpGateway.Core.Hosting;

/// <summary>
/// Entry point of a platform team's assembly named under <c>plugins</c> in the configuration: it registers its
/// inspectors (<see cref="GatewayServiceCollectionExtensions.AddInspector{TInspector}"/>); the configuration's
/// <c>inspectors</c> list then places them in the chain by name. Needs a public parameterless constructor.
/// </summary>
public interface IGatewayPlugin
{
    /// <param name="services">Where to register inspectors and what they need.</param>
    /// <param name="options">The configuration file's <c>pluginOptions</c> section, for the plugin's own settings.</param>
    void ConfigureServices(IServiceCollection services, IConfiguration options);
}
