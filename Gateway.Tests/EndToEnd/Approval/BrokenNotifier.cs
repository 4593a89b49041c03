using McpGateway.Inspectors.Approval;

namespace McpGateway.Tests.EndToEnd.Approval;

/// <summary>A notifier whose webhook is down: it fails at once, and a second one never answers until it is cancelled.</summary>
internal sealed class BrokenNotifier(bool hang) : IApprovalNotifier
{
    public async Task NotifyAsync(ApprovalNotice notice, CancellationToken cancellationToken)
    {
        if (hang)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        throw new HttpRequestException("webhook unreachable");
    }
}
