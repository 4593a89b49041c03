using McpGateway.Core.Configuration;
using McpGateway.Inspectors.Policy;

namespace McpGateway.Inspectors.Approval;

/// <summary>
/// Who may come to the approvers' desk at all (the admin API, <c>mcpgw approvals</c>, the console): members of any
/// group that may decide some held call, whatever held it — an approve rule (in the policy as it is now) or any
/// <see cref="IApproverGroupSource"/>. Which calls such a member then sees and decides is each call's own requirement.
/// </summary>
internal sealed class ApproverGroups(GatewaySettings settings, PolicyMonitor? policy, IEnumerable<IApproverGroupSource> sources)
{
    public HashSet<string> Current() =>
    [
        .. ((policy?.Current ?? settings.Policy)?.Rules ?? []).SelectMany(r => r.Approval?.ApproverGroups ?? []),
        .. sources.SelectMany(s => s.ApproverGroups()),
    ];
}
