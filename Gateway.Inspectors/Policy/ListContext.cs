using System.Text.Json.Nodes;
using McpGateway.Core.Identity;
using McpGateway.Inspectors.Policy;

namespace McpGateway.Inspectors.Policy;

/// <summary>What a list filter needs to decide about each entry for one session.</summary>
internal sealed record ListContext(CompiledPolicy Policy, ToolPinStore Pins, ToolCatalog Catalog, GatewayIdentity Identity, string Connection)
{
    /// <summary>Notes that the upstream has the tool, whatever the identity may see.</summary>
    public bool Listed(string name)
    {
        Catalog.AddListed(Connection, name);
        return true;
    }

    /// <summary>Pins a tool seen for the first time; false when its definition differs from the pinned one.</summary>
    public bool IsPinned(string name, JsonObject tool) =>
        !Pins.Enabled || Pins.Observe(Connection, name, tool) != PinObservation.Changed;

    /// <summary>Shown unless the policy blocks it whatever the arguments; approve shows it (the call then needs an approval).</summary>
    public bool MayUse(string method, string? tool) =>
        Policy.Evaluate(Identity, Connection, method, tool, default, PolicyMode.Visibility).Action != PolicyAction.Block;
}
