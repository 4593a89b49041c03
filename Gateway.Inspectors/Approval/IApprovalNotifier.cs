namespace McpGateway.Inspectors.Approval;

/// <summary>
/// Tells approvers that a call waits for them (e.g. a Slack-compatible webhook). Called once per new approval request,
/// off the frame path: a notifier that fails or is slow never blocks or fails the held call, which still waits for a
/// decision through the CLI or the admin API until it times out.
/// </summary>
internal interface IApprovalNotifier
{
    Task NotifyAsync(ApprovalNotice notice, CancellationToken cancellationToken);
}
