using McpGateway.Core.Recording;

namespace McpGateway.WebConsole.Audit;

/// <summary>One verification of the audit chain started from the console: who started it, how far it got, and its result.</summary>
internal sealed class VerifyRun(string startedBy, DateTimeOffset startedAt, long head)
{
    private long _verified;

    public string StartedBy { get; } = startedBy;

    public DateTimeOffset StartedAt { get; } = startedAt;

    /// <summary>The newest record's sequence when the run started: what it verifies up to, at least.</summary>
    public long Head { get; } = head;

    public long Verified => Interlocked.Read(ref _verified);

    public AuditVerification? Result { get; private set; }

    public string? Error { get; private set; }

    public DateTimeOffset? FinishedAt { get; private set; }

    public bool IsRunning => FinishedAt is null;

    public void Progress(long verified) => Interlocked.Exchange(ref _verified, verified);

    public void Finish(AuditVerification result, DateTimeOffset at)
    {
        Result = result;
        Progress(result.Records);
        FinishedAt = at;
    }

    public void Fail(string error, DateTimeOffset at)
    {
        Error = error;
        FinishedAt = at;
    }
}
