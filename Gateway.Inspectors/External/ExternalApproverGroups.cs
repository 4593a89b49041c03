using McpGateway.Inspectors.Approval;

namespace McpGateway.Inspectors.External;

/// <summary>The approver groups of an out-of-process inspector that may hold calls (its <c>approval</c>).</summary>
internal sealed class ExternalApproverGroups(ExternalInspectorSettings inspector) : IApproverGroupSource
{
    public IEnumerable<string> ApproverGroups() => inspector.Approval?.ApproverGroups ?? [];
}
