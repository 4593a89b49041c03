namespace McpGateway.Core.Configuration;

/// <summary>The <c>tls.clientCertificates</c> section.</summary>
internal sealed class ClientCertificateOptions
{
    /// <summary><c>none</c> (default), <c>allow</c> (a certificate may be presented) or <c>require</c> (the TLS handshake fails without a trusted one).</summary>
    public string? Mode { get; set; }

    /// <summary>PEM file with the CA certificates a client certificate must chain to.</summary>
    public string? TrustedCaFile { get; set; }

    /// <summary>Client certificates that stand for an identity, keyed by subject DN (<c>CN=svc-x, O=Acme</c>) or SHA-256 thumbprint (64 hex digits).</summary>
    public IDictionary<string, CertificateIdentityOptions> Identities { get; } = new Dictionary<string, CertificateIdentityOptions>(StringComparer.Ordinal);
}
