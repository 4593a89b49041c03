using McpGateway.Core.Configuration;

namespace McpGateway.Inspectors.Approval;

/// <summary>The approval store among a snapshot's <see cref="GatewaySettings.Features"/>.</summary>
internal static class ApprovalSettingsExtensions
{
    extension(GatewaySettings settings)
    {
        /// <summary>The approval store; null without a policy (approve rules then refuse with <c>approval_required</c>).</summary>
        public ApprovalSettings? Approvals => settings.Features.Get<ApprovalSettings>();
    }
}
