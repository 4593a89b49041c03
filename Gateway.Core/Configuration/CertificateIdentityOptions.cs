namespace McpGateway.Core.Configuration;

/// <summary>One entry of <c>tls.clientCertificates.identities</c>: who a connection with that certificate acts for.</summary>
internal sealed class CertificateIdentityOptions
{
    public string? Subject { get; set; }

    public IList<string> Groups { get; } = [];
}
