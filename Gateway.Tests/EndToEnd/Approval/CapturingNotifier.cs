using System.Collections.Concurrent;
using McpGateway.Inspectors.Approval;

namespace McpGateway.Tests.EndToEnd.Approval;

/// <summary>An approval notifier that keeps what it was told.</summary>
internal sealed class CapturingNotifier : IApprovalNotifier
{
    public ConcurrentQueue<ApprovalNotice> Notices { get; } = new();

    public Task NotifyAsync(ApprovalNotice notice, CancellationToken cancellationToken)
    {
        Notices.Enqueue(notice);
        return Task.CompletedTask;
    }
}
