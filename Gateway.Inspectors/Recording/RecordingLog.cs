using Microsoft.Extensions.Logging;

namespace McpGateway.Inspectors.Recording;

/// <summary>Log messages of session recording, 7xxx. Payloads are never logged.</summary>
internal static partial class RecordingLog
{
    [LoggerMessage(7000, LogLevel.Information, "Audit store {Store} open at sequence {Sequence}")]
    public static partial void StoreOpened(ILogger logger, string store, long sequence);

    [LoggerMessage(7001, LogLevel.Error, "Audit store {Store}: a commit of {Count} records failed; their frames are refused with -31006 until it recovers")]
    public static partial void CommitFailed(ILogger logger, string store, int count, Exception exception);

    [LoggerMessage(7002, LogLevel.Warning, "Audit store {Store} recovered: records are committed again")]
    public static partial void Recovered(ILogger logger, string store);

    [LoggerMessage(7003, LogLevel.Warning, "Audit queue full for {Timeout}: the record is refused")]
    public static partial void QueueFull(ILogger logger, TimeSpan timeout);

    [LoggerMessage(7004, LogLevel.Error, "Session {SessionId}: a {Verdict} frame could not be recorded")]
    public static partial void NotRecorded(ILogger logger, string sessionId, string verdict, Exception exception);

    [LoggerMessage(7005, LogLevel.Warning, "Session {SessionId}: start could not be recorded; the session is refused")]
    public static partial void StartNotRecorded(ILogger logger, string sessionId, Exception exception);

    [LoggerMessage(7006, LogLevel.Debug, "Audit checkpoint signed at sequence {Sequence}")]
    public static partial void Checkpointed(ILogger logger, long sequence);

    [LoggerMessage(7007, LogLevel.Error, "Audit checkpoint could not be signed or stored; retrying at the next interval")]
    public static partial void CheckpointFailed(ILogger logger, Exception exception);

    [LoggerMessage(7008, LogLevel.Information, "Audit retention purged {Count} records; the chain now starts at record {First} behind a signed anchor")]
    public static partial void Purged(ILogger logger, long count, long first);

    [LoggerMessage(7009, LogLevel.Error, "Audit retention purge failed; retrying at the next interval")]
    public static partial void PurgeFailed(ILogger logger, Exception exception);

    [LoggerMessage(7010, LogLevel.Error, "Audit checkpoint #{Counter} could not be written to anchor {Anchor}")]
    public static partial void AnchorFailed(ILogger logger, long counter, string anchor, Exception exception);

    [LoggerMessage(7011, LogLevel.Warning, "Audit anchor {Anchor}: attempt {Attempt} for checkpoint #{Counter} failed ({Reason}); retrying in {Delay}")]
    public static partial void AnchorRetry(ILogger logger, string anchor, int attempt, long counter, string reason, TimeSpan delay);

    [LoggerMessage(7012, LogLevel.Error, "Audit anchor {Anchor}: checkpoint #{Counter} was not taken ({Reason}); the next one carries the chain on")]
    public static partial void AnchorGaveUp(ILogger logger, string anchor, long counter, string reason);

    [LoggerMessage(7013, LogLevel.Warning, "Audit anchor {Anchor}: its queue is full; checkpoint #{Counter} is not sent there")]
    public static partial void AnchorQueueFull(ILogger logger, string anchor, long counter);

    [LoggerMessage(7014, LogLevel.Debug, "Audit store {Store}: the write-ahead log could not be checkpointed; retrying")]
    public static partial void WalCheckpointFailed(ILogger logger, string store, Exception exception);
}
