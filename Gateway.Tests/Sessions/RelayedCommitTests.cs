using McpGateway.Core.Recording;
using McpGateway.Core.Sessions;
using NUnit.Framework;

namespace McpGateway.Tests.Sessions;

/// <summary>The recording stage's answer for a relayed frame whose record was enqueued but not committed yet.</summary>
[TestFixture]
internal sealed class RelayedCommitTests
{
    [Test]
    [CancelAfter(5000)]
    public async Task AsValueTask_CommittedWhileAwaited_TrueAndNothingCounted(CancellationToken cancellationToken)
    {
        var record = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var lost = 0;
        var answer = new RelayedCommit(record.Task, () => lost++, cancellationToken).AsValueTask();
        var pendingBefore = !answer.IsCompleted;

        var awaited = answer.AsTask();
        record.SetResult();
        var result = await awaited.WaitAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(pendingBefore, Is.True);
            Assert.That(result, Is.True);
            Assert.That(lost, Is.Zero);
        });
    }

    [Test]
    public void AsValueTask_CommittedBeforeAwaited_CompletedAtOnce()
    {
        var lost = 0;
        var answer = new RelayedCommit(Task.CompletedTask, () => lost++, CancellationToken.None).AsValueTask();

        Assert.Multiple(() =>
        {
            Assert.That(answer.IsCompletedSuccessfully, Is.True);
            Assert.That(answer.Result, Is.True);
            Assert.That(lost, Is.Zero);
        });
    }

    [Test]
    [CancelAfter(5000)]
    public async Task AsValueTask_StoreFailsTheCommit_FalseAndCountedOnce(CancellationToken cancellationToken)
    {
        var record = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var lost = 0;
        var answer = new RelayedCommit(record.Task, () => lost++, cancellationToken).AsValueTask();

        var awaited = answer.AsTask();
        record.SetException(new AuditUnavailableException("store down"));
        var result = await awaited.WaitAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(result, Is.False);
            Assert.That(lost, Is.EqualTo(1));
        });
    }

    [Test]
    [CancelAfter(5000)]
    public async Task AsValueTask_SessionEndsBeforeTheCommit_FalseAndNotCountedAsTheStoresFailure(CancellationToken cancellationToken)
    {
        var record = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var ended = new CancellationTokenSource();
        var lost = 0;
        var answer = new RelayedCommit(record.Task, () => lost++, ended.Token).AsValueTask();

        var awaited = answer.AsTask();
        await ended.CancelAsync();
        var result = await awaited.WaitAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(result, Is.False);
            Assert.That(lost, Is.Zero);
        });
    }

    [Test]
    public void AsValueTask_UnexpectedFailure_Rethrown()
    {
        var answer = new RelayedCommit(Task.FromException(new InvalidOperationException("bug")), () => { }, CancellationToken.None).AsValueTask();

        Assert.That(() => answer.Result, Throws.InvalidOperationException.With.Message.EqualTo("bug"));
    }
}
