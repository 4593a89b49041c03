namespace McpGateway.Inspectors.Approval;

/// <summary>
/// Something other than the policy that can hold a call for approval (an out-of-process inspector's <c>approval</c>),
/// naming the groups whose members may decide what it holds. Registered once per such holder.
/// </summary>
internal interface IApproverGroupSource
{
    /// <summary>The approver groups of the calls this source holds, as configured now.</summary>
    IEnumerable<string> ApproverGroups();
}
