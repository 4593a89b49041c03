using McpGateway.Core.Chain;
using Microsoft.Extensions.DependencyInjection;

namespace McpGateway.Core.Hosting;

public static class GatewayServiceCollectionExtensions
{
    /// <summary>Registers an inspector under <paramref name="name"/>; it joins the chain where configuration names it.</summary>
    public static IServiceCollection AddInspector<TInspector>(this IServiceCollection services, string name)
        where TInspector : class, IFrameInspector
        => services.AddInspector<TInspector>(name, ChainSlot.Middle);

    internal static IServiceCollection AddInspector<TInspector>(this IServiceCollection services, string name, ChainSlot slot)
        where TInspector : class, IFrameInspector
    {
        services.AddSingleton<TInspector>();
        services.AddSingleton(new InspectorRegistration(name, slot, sp => sp.GetRequiredService<TInspector>()));
        return services;
    }

    /// <summary>Registers an inspector made by a factory.</summary>
    public static IServiceCollection AddInspector(this IServiceCollection services, string name, Func<IServiceProvider, IFrameInspector> create)
    {
        services.AddSingleton(new InspectorRegistration(name, ChainSlot.Middle, create));
        return services;
    }
}
