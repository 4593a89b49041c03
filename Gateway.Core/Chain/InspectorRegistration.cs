namespace McpGateway.Core.Chain;

/// <summary>
/// A named inspector that configuration can put in a chain. Registered in DI (see
/// <see cref="Hosting.GatewayServiceCollectionExtensions.AddInspector{TInspector}"/>); created once, when the chain is built.
/// </summary>
internal sealed record InspectorRegistration(string Name, ChainSlot Slot, Func<IServiceProvider, IFrameInspector> Create)
{
    /// <summary>The plugin assembly that registered the inspector; null for the gateway's own.</summary>
    internal string? Plugin { get; init; }

    /// <summary>Checks the inspector's options before anything is created; returns every failure (empty: valid).</summary>
    internal Func<IServiceProvider, IReadOnlyList<string>>? ValidateOptions { get; init; }

    /// <summary>How errors name it: <c>inspector 'x'</c>, with its plugin when it has one.</summary>
    internal string Describe() => Plugin is null ? $"inspector '{Name}'" : $"inspector '{Name}' of plugin '{Plugin}'";
}
