using McpGateway.Core.Chain;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;

namespace McpGateway.Tests.Hosting;

/// <summary>Refuses calls of the tool its options name; gets the options as bound and validated by the gateway.</summary>
internal sealed class GuardedInspector(GuardOptions options) : IFrameInspector
{
    public const string InspectorName = "guarded";

    public string Name => InspectorName;

    public InspectedDirections Directions => InspectedDirections.ClientToUpstream;

    public ValueTask<Verdict> InspectAsync(McpFrame frame, CancellationToken cancellationToken) =>
        ValueTask.FromResult(frame.Method == McpMethods.ToolsCall && frame.ToolName == options.BlockedTool
            ? Verdict.Reject(new GatewayError(GatewayErrorCode.Forbidden, "blocked_by_guard", $"Forbidden: tenant {options.Tenant} blocks this tool", InspectorName))
            : Verdict.Forward);
}
