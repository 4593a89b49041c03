using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace McpGateway.Tests.Infrastructure;

/// <summary>A certificate with its private key, and where both were written as PEM.</summary>
internal sealed record PemPair(X509Certificate2 Certificate, string CertificateFile, string KeyFile)
{
    /// <summary>The SHA-256 thumbprint, upper-case hex, as configuration keys use it.</summary>
    public string Thumbprint => Certificate.GetCertHashString(HashAlgorithmName.SHA256);
}
