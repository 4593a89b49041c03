using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using McpGateway.Core.Chain;
using McpGateway.Core.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace McpGateway.Core.Hosting;

public static class GatewayServiceCollectionExtensions
{
    /// <summary>Registers an inspector under <paramref name="name"/>; it joins the chain where configuration names it.</summary>
    public static IServiceCollection AddInspector<TInspector>(this IServiceCollection services, string name)
        where TInspector : class, IFrameInspector
        => services.AddInspector<TInspector>(name, ChainSlot.Middle);

    /// <summary>
    /// Registers an inspector with options of its own: <typeparamref name="TOptions"/> is bound from
    /// <c>pluginOptions:{name}</c> of the configuration file (or the section named in the other overload) and validated when the gateway starts (and by <c>mcpgw config check</c>), before
    /// anything listens, with every <see cref="IValidateOptions{TOptions}"/> registered for it and its DataAnnotations
    /// attributes; every failure of every inspector is reported at once, naming the inspector. The inspector gets the options as a constructor parameter
    /// (or as <see cref="IOptions{TOptions}"/>).
    /// </summary>
    public static IServiceCollection AddInspector<TInspector, TOptions>(this IServiceCollection services, string name)
        where TInspector : class, IFrameInspector
        where TOptions : class
        => services.AddInspector<TInspector, TOptions>(name, name);

    /// <inheritdoc cref="AddInspector{TInspector, TOptions}(IServiceCollection, string)"/>
    /// <param name="services">Where the inspector is registered.</param>
    /// <param name="name">The name configuration refers to the inspector by.</param>
    /// <param name="section">The key under <c>pluginOptions</c> its options are bound from.</param>
    public static IServiceCollection AddInspector<TInspector, TOptions>(this IServiceCollection services, string name, string section)
        where TInspector : class, IFrameInspector
        where TOptions : class
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(section);
        var key = section;
        services.AddOptions<TOptions>(name)
            .Configure<GatewaySettings>((options, settings) => settings.PluginOptions.GetSection(key).Bind(options));
        services.AddSingleton(new InspectorRegistration(
            name,
            ChainSlot.Middle,
            sp => ActivatorUtilities.CreateInstance<TInspector>(sp, sp.GetRequiredService<IOptionsMonitor<TOptions>>().Get(name)))
        {
            ValidateOptions = sp => Validate<TOptions>(sp, name, key),
        });
        return services;
    }

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

    /// <summary>The members a DataAnnotations result is about, as the configuration file spells them (<c>.maxCallsPerSession</c>).</summary>
    private static string Members(ValidationResult result) =>
        string.Concat(result.MemberNames.Select(m => "." + JsonNamingPolicy.CamelCase.ConvertName(m)));

    private static IReadOnlyList<string> Validate<TOptions>(IServiceProvider services, string name, string section)
        where TOptions : class
    {
        try
        {
            var options = services.GetRequiredService<IOptionsMonitor<TOptions>>().Get(name);
            var results = new List<ValidationResult>();
            Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
            return [.. results.Select(r => $"pluginOptions.{section}{Members(r)}: {r.ErrorMessage}")];
        }
        catch (OptionsValidationException ex)
        {
            return [.. ex.Failures.Select(f => $"pluginOptions.{section}: {f}")];
        }
        catch (InvalidOperationException ex)
        {
            // The binder could not convert a value (e.g. text where a number belongs).
            return [$"pluginOptions.{section}: {ex.Message}"];
        }
    }
}
