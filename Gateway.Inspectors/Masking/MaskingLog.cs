using Microsoft.Extensions.Logging;

namespace McpGateway.Inspectors.Masking;

/// <summary>Log messages of the masking area (8xxx). Kinds and counts only, never the values.</summary>
internal static partial class MaskingLog
{
    [LoggerMessage(8000, LogLevel.Debug, "Session {SessionId}: {Direction} {Method} masked with profile {Profile}")]
    public static partial void Masked(ILogger logger, string sessionId, string direction, string? method, string profile);

    [LoggerMessage(8001, LogLevel.Warning, "Session {SessionId}: masking {Method} with profile {Profile} failed; the message is withheld")]
    public static partial void Failed(ILogger logger, string sessionId, string? method, string profile, Exception exception);

    [LoggerMessage(8002, LogLevel.Warning, "Session {SessionId}: masking {Method} for the audit record failed; the record holds a placeholder")]
    public static partial void RecordFailed(ILogger logger, string sessionId, string? method, Exception exception);

    [LoggerMessage(8003, LogLevel.Warning, "Session {SessionId}: a message from the upstream has a secret in its id or method (profile {Profile}); it was refused, not relayed")]
    public static partial void EnvelopeRefused(ILogger logger, string sessionId, string profile);
}
