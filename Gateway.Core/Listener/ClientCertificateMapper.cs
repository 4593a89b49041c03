using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using McpGateway.Core.Configuration;
using McpGateway.Core.Identity;
using Microsoft.Extensions.Logging;

namespace McpGateway.Core.Listener;

/// <summary>
/// Mutual TLS: turns a client certificate into an identity when it chains to a trusted CA (no download, no
/// revocation fetch, client-auth usage) and is mapped by thumbprint or subject in <c>tls.clientCertificates.identities</c>.
/// Such a connection may skip the token (wire contract, authentication rule 1); the session expires with the certificate.
/// </summary>
internal sealed class ClientCertificateMapper(GatewaySettings settings, TimeProvider timeProvider, ILoggerFactory loggerFactory)
{
    private static readonly Oid _clientAuthentication = new("1.3.6.1.5.5.7.3.2", "Client Authentication");

    private readonly TlsSettings? _tls = settings.Tls is { ClientCertificates: not ClientCertificateRequirement.None } tls ? tls : null;
    private readonly ILogger _logger = loggerFactory.CreateLogger("McpGateway.Tls");

    /// <summary>True when the certificate chains to one of the trusted CAs and may authenticate a client.</summary>
    public bool IsTrusted(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (_tls is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.CustomTrustStore.AddRange(_tls.TrustedCas);
        policy.ExtraStore.AddRange(_tls.TrustedCas);
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.DisableCertificateDownloads = true;
        policy.VerificationTime = timeProvider.GetUtcNow().UtcDateTime;
        policy.ApplicationPolicy.Add(_clientAuthentication);
        try
        {
            return chain.Build(certificate);
        }
        finally
        {
            foreach (var element in chain.ChainElements)
            {
                element.Certificate.Dispose();
            }
        }
    }

    /// <summary>The identity <paramref name="certificate"/> stands for, or null when it is untrusted or not mapped.</summary>
    public GatewayIdentity? Map(X509Certificate2 certificate, string sessionId)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (_tls is null)
        {
            return null;
        }

        var thumbprint = certificate.GetCertHashString(HashAlgorithmName.SHA256);
        if (!IsTrusted(certificate))
        {
            TlsLog.ClientCertificateUntrusted(_logger, sessionId, thumbprint);
            return null;
        }

        if (!_tls.IdentitiesByThumbprint.TryGetValue(thumbprint, out var identity)
            && !_tls.IdentitiesBySubject.TryGetValue(certificate.SubjectName.Name, out identity))
        {
            TlsLog.ClientCertificateUnmapped(_logger, sessionId, thumbprint);
            return null;
        }

        TlsLog.ClientCertificateMapped(_logger, sessionId, thumbprint, identity.Subject);
        return new GatewayIdentity(
            identity.Subject,
            null,
            identity.Groups,
            new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero),
            "cert:sha256:" + thumbprint.ToLowerInvariant());
    }
}
