using Microsoft.Extensions.Logging;

namespace McpGateway.Host.Bridge;

/// <summary>Log messages of <c>mcpgw bridge</c> (5xxx), all on stderr. Never a token or a secret.</summary>
internal static partial class BridgeLog
{
    [LoggerMessage(5500, LogLevel.Information, "Connected to the gateway at {Gateway} ({Transport}); authenticating for connection {Connection} with {TokenSource}")]
    public static partial void Connected(ILogger logger, string gateway, string transport, string connection, string tokenSource);

    [LoggerMessage(5501, LogLevel.Information, "Authenticated as {Subject} on connection {Connection} until {ExpiresAt:u}; relaying")]
    public static partial void Authenticated(ILogger logger, string? subject, string connection, DateTimeOffset? expiresAt);

    [LoggerMessage(5502, LogLevel.Debug, "Renewal {Renewal} scheduled in {Delay}")]
    public static partial void RenewalScheduled(ILogger logger, int renewal, TimeSpan delay);

    [LoggerMessage(5503, LogLevel.Information, "Renewal {Renewal} sent")]
    public static partial void RenewalSent(ILogger logger, int renewal);

    [LoggerMessage(5504, LogLevel.Information, "Renewed: valid until {ExpiresAt:u}")]
    public static partial void Renewed(ILogger logger, DateTimeOffset? expiresAt);

    [LoggerMessage(5505, LogLevel.Warning, "Renewal refused by the gateway: {Error}; retrying in {Delay}")]
    public static partial void RenewalRefused(ILogger logger, string error, TimeSpan delay);

    [LoggerMessage(5506, LogLevel.Warning, "No token for the renewal: {Reason}; retrying in {Delay}")]
    public static partial void RenewalTokenUnavailable(ILogger logger, string reason, TimeSpan delay);

    [LoggerMessage(5507, LogLevel.Information, "The client closed stdin; closing the connection to the gateway")]
    public static partial void ClientClosed(ILogger logger);

    [LoggerMessage(5508, LogLevel.Warning, "The gateway closed the connection")]
    public static partial void GatewayClosed(ILogger logger);

    [LoggerMessage(5509, LogLevel.Information, "Authenticated by client certificate; no renewal needed until {ExpiresAt:u}")]
    public static partial void CertificateSession(ILogger logger, DateTimeOffset? expiresAt);

    [LoggerMessage(5510, LogLevel.Error, "Renewal failed")]
    public static partial void RenewalFailed(ILogger logger, Exception exception);
}
