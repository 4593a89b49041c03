using Microsoft.Extensions.Logging;

namespace McpGateway.Core;

/// <summary>Log messages of the TLS listener and client certificates: 11xx, inside the listener and sessions area.</summary>
internal static partial class TlsLog
{
    [LoggerMessage(1100, LogLevel.Information, "TLS on the listener: certificate {Subject} (SHA-256 {Thumbprint}), valid until {NotAfter:u}; client certificates {Mode}")]
    public static partial void TlsEnabled(ILogger logger, string subject, string thumbprint, DateTime notAfter, string mode);

    [LoggerMessage(1101, LogLevel.Warning, "The listener on {Endpoint} is plaintext (allowPlaintext): tokens cross the network unencrypted")]
    public static partial void PlaintextListener(ILogger logger, string endpoint);

    [LoggerMessage(1102, LogLevel.Warning, "The listener certificate expired on {NotAfter:u}")]
    public static partial void CertificateExpired(ILogger logger, DateTime notAfter);

    [LoggerMessage(1103, LogLevel.Information, "Session {SessionId} client certificate {Thumbprint} maps to {Subject}")]
    public static partial void ClientCertificateMapped(ILogger logger, string sessionId, string thumbprint, string subject);

    [LoggerMessage(1104, LogLevel.Warning, "Session {SessionId} client certificate {Thumbprint} does not chain to a trusted CA; it is not an identity")]
    public static partial void ClientCertificateUntrusted(ILogger logger, string sessionId, string thumbprint);

    [LoggerMessage(1105, LogLevel.Information, "Session {SessionId} client certificate {Thumbprint} is trusted but not mapped to an identity")]
    public static partial void ClientCertificateUnmapped(ILogger logger, string sessionId, string thumbprint);

    [LoggerMessage(1106, LogLevel.Debug, "TLS handshake refused a client certificate {Thumbprint}: it does not chain to a trusted CA")]
    public static partial void HandshakeRefusedCertificate(ILogger logger, string thumbprint);
}
