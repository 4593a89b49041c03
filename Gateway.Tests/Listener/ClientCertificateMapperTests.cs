using System.Collections.Frozen;
using McpGateway.Core.Configuration;
using McpGateway.Core.Identity;
using McpGateway.Core.Listener;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpGateway.Tests.Listener;

[TestFixture]
internal sealed class ClientCertificateMapperTests
{
    private TestCertificates _certificates = null!;

    [OneTimeSetUp]
    public void CreateCertificates() => _certificates = TestCertificates.Create();

    [OneTimeTearDown]
    public void DeleteCertificates() => _certificates.Dispose();

    private ClientCertificateMapper Mapper(TimeProvider timeProvider, ClientCertificateRequirement requirement = ClientCertificateRequirement.Allow)
    {
        var tls = new TlsSettings
        {
            Certificate = _certificates.Server.Certificate,
            ClientCertificates = requirement,
            TrustedCas = [_certificates.Ca],
            IdentitiesByThumbprint = new Dictionary<string, CertificateIdentity>
            {
                [_certificates.Client.Thumbprint] = new("svc-x", ["services"]),
            }.ToFrozenDictionary(),
            IdentitiesBySubject = new Dictionary<string, CertificateIdentity>(StringComparer.OrdinalIgnoreCase)
            {
                ["cn=SVC-UNMAPPED"] = new("svc-by-subject", []),
            }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase),
        };
        var settings = GatewayHarness.Settings(GatewayHarness.Everything()) with { Tls = tls };
        return new ClientCertificateMapper(settings, timeProvider, NullLoggerFactory.Instance);
    }

    [Test]
    public void Map_ByThumbprint_IdentityExpiresWithTheCertificate()
    {
        var identity = Mapper(TimeProvider.System).Map(_certificates.Client.Certificate, "s1");

        Assert.Multiple(() =>
        {
            Assert.That(identity?.Subject, Is.EqualTo("svc-x"));
            Assert.That(identity?.Groups, Is.EqualTo(new[] { "services" }));
            Assert.That(identity?.ClientId, Is.Null);
            Assert.That(identity?.ExpiresAt.UtcDateTime, Is.EqualTo(_certificates.Client.Certificate.NotAfter.ToUniversalTime()));
            Assert.That(identity?.TokenHash, Is.EqualTo("cert:sha256:" + _certificates.Client.Thumbprint.ToLowerInvariant()));
        });
    }

    [Test]
    public void Map_BySubjectDnIgnoringCase_Maps()
    {
        // The configured key "cn=SVC-UNMAPPED" differs in case from the certificate's "CN=svc-unmapped".
        Assert.That(Mapper(TimeProvider.System).Map(_certificates.UnmappedClient.Certificate, "s1")?.Subject, Is.EqualTo("svc-by-subject"));
    }

    [Test]
    public void Map_SameSubjectFromUntrustedCa_IsNoIdentity()
    {
        var mapper = Mapper(TimeProvider.System);

        Assert.Multiple(() =>
        {
            Assert.That(mapper.IsTrusted(_certificates.UntrustedClient.Certificate), Is.False);
            Assert.That(mapper.Map(_certificates.UntrustedClient.Certificate, "s1"), Is.Null);
        });
    }

    [Test]
    public void Map_ServerCertificateFromTrustedCa_IsNotForClientAuthentication()
    {
        // Chains to the trusted CA, but its extended key usage is server authentication only.
        Assert.That(Mapper(TimeProvider.System).IsTrusted(_certificates.Server.Certificate), Is.False);
    }

    [Test]
    public void Map_AfterTheCertificateExpired_IsNoIdentity()
    {
        var clock = new ManualTimeProvider();
        var mapper = Mapper(clock);
        clock.Advance(TimeSpan.FromDays(8));

        Assert.That(mapper.Map(_certificates.Client.Certificate, "s1"), Is.Null);
    }

    [Test]
    public void Map_ClientCertificatesOff_IsNoIdentity()
    {
        Assert.That(Mapper(TimeProvider.System, ClientCertificateRequirement.None).Map(_certificates.Client.Certificate, "s1"), Is.Null);
    }
}
