using McpGateway.Core.Configuration;
using McpGateway.Inspectors.Policy;

namespace McpGateway.Inspectors.Approval;

/// <summary>
/// The <c>approvals</c> section: where held calls and votes are kept. On by default with a policy, whose approve
/// rules need a store; approvers then bring bearer tokens to the admin API.
/// </summary>
internal sealed class ApprovalSection : SettingsSection<ApprovalOptions>
{
    public override string Key => "approvals";

    protected override void Validate(ApprovalOptions? options, SettingsSectionContext context)
    {
        var approvals = ApprovalSettings.Parse(options, context.Section<PolicyOptions>() is not null, context.BaseDirectory, context.Errors);
        context.AdminTakesBearerTokens |= approvals is not null;
        context.Add(approvals);
    }
}
