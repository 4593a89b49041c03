using System.Net;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace McpGateway.Tests.Infrastructure;

/// <summary>
/// Throwaway certificates made for one fixture, as PEM files in a temp folder: a CA, a server certificate for
/// 127.0.0.1 and localhost, client certificates it signs, and a second CA nobody trusts with a client of its own.
/// ECDSA P-256 throughout (fast to make). Dispose deletes the folder.
/// </summary>
internal sealed class TestCertificates : IDisposable
{
    private static readonly Oid _serverAuthentication = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid _clientAuthentication = new("1.3.6.1.5.5.7.3.2");

    private readonly List<X509Certificate2> _issued = [];

    private TestCertificates(string directory)
    {
        Directory = directory;
    }

    public string Directory { get; }

    public X509Certificate2 Ca { get; private set; } = null!;

    public X509Certificate2 OtherCa { get; private set; } = null!;

    /// <summary>The CA's certificate, PEM: trust anchor for both sides.</summary>
    public string CaFile => Path.Combine(Directory, "ca.pem");

    /// <summary>The server certificate (127.0.0.1, localhost) and its key, PEM.</summary>
    public PemPair Server { get; private set; } = null!;

    /// <summary>A client certificate <c>CN=svc-x, O=McpGateway Tests</c> signed by the CA.</summary>
    public PemPair Client { get; private set; } = null!;

    /// <summary>Another client certificate signed by the CA (<c>CN=svc-unmapped</c>), which no configuration maps.</summary>
    public PemPair UnmappedClient { get; private set; } = null!;

    /// <summary>A client certificate <c>CN=svc-x, O=McpGateway Tests</c> signed by a CA nobody trusts.</summary>
    public PemPair UntrustedClient { get; private set; } = null!;

    public static TestCertificates Create()
    {
        var certificates = new TestCertificates(System.IO.Directory.CreateTempSubdirectory("mcpgw-certs-").FullName);
        certificates.Issue();
        return certificates;
    }

    private void Issue()
    {
        Ca = CreateCa("CN=McpGateway Test CA");
        OtherCa = CreateCa("CN=Somebody Else's CA");
        File.WriteAllText(CaFile, Ca.ExportCertificatePem());

        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        Server = IssueLeaf("server", "CN=127.0.0.1", Ca, _serverAuthentication, san.Build());
        Client = IssueLeaf("client", "CN=svc-x, O=McpGateway Tests", Ca, _clientAuthentication, null);
        UnmappedClient = IssueLeaf("unmapped-client", "CN=svc-unmapped", Ca, _clientAuthentication, null);
        UntrustedClient = IssueLeaf("untrusted-client", "CN=svc-x, O=McpGateway Tests", OtherCa, _clientAuthentication, null);
    }

    private X509Certificate2 CreateCa(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        var ca = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        _issued.Add(ca);
        return ca;
    }

    private PemPair IssueLeaf(string name, string subject, X509Certificate2 issuer, Oid usage, X509Extension? subjectAlternativeName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([usage], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        if (subjectAlternativeName is not null)
        {
            request.CertificateExtensions.Add(subjectAlternativeName);
        }

        var now = DateTimeOffset.UtcNow;
        var serial = new BigInteger(RandomNumberGenerator.GetBytes(12), isUnsigned: true).ToByteArray();
        using var issued = request.Create(issuer, now.AddHours(-1), now.AddDays(7), serial);
        var certificate = issued.CopyWithPrivateKey(key);
        _issued.Add(certificate);
        var pair = new PemPair(certificate, Path.Combine(Directory, name + ".pem"), Path.Combine(Directory, name + ".key"));
        File.WriteAllText(pair.CertificateFile, certificate.ExportCertificatePem());
        File.WriteAllText(pair.KeyFile, key.ExportPkcs8PrivateKeyPem());
        return pair;
    }

    public void Dispose()
    {
        foreach (var certificate in _issued)
        {
            certificate.Dispose();
        }

        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
