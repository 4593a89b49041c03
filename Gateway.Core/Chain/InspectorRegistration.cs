namespace McpGateway.Core.Chain;

/// <summary>
/// A named inspector that configuration can put in a chain. Registered in DI (see
/// <see cref="Hosting.GatewayServiceCollectionExtensions.AddInspector{TInspector}"/>); created once, when the chain is built.
/// </summary>
public sealed record InspectorRegistration(string Name, ChainSlot Slot, Func<IServiceProvider, IFrameInspector> Create);
