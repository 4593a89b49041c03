using System.Collections.Frozen;
using System.Security.Cryptography.X509Certificates;

namespace McpGateway.Core.Configuration;

/// <summary>The validated <c>tls</c> section: the loaded server certificate and the client-certificate rules.</summary>
internal sealed record TlsSettings
{
    /// <summary>The listener's certificate, with its private key.</summary>
    public required X509Certificate2 Certificate { get; init; }

    public ClientCertificateRequirement ClientCertificates { get; init; } = ClientCertificateRequirement.None;

    /// <summary>The CAs a client certificate must chain to (empty when client certificates are off).</summary>
    public X509Certificate2Collection TrustedCas { get; init; } = [];

    /// <summary>Mapped certificates by upper-case SHA-256 thumbprint.</summary>
    public FrozenDictionary<string, CertificateIdentity> IdentitiesByThumbprint { get; init; } = FrozenDictionary<string, CertificateIdentity>.Empty;

    /// <summary>Mapped certificates by subject DN, in the form <see cref="X500DistinguishedName.Name"/> gives, compared ignoring case.</summary>
    public FrozenDictionary<string, CertificateIdentity> IdentitiesBySubject { get; init; } = FrozenDictionary<string, CertificateIdentity>.Empty;
}
