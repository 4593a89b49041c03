using System.Text.Json;
using McpGateway.Core.Configuration;
using McpGateway.Inspectors;
using McpGateway.Tests.Infrastructure;

namespace McpGateway.Tests.Configuration;

/// <summary>The <c>tls</c> section and the plaintext rule: TLS unless the configuration says plaintext is fine.</summary>
[TestFixture]
internal sealed class TlsConfigurationTests
{
    private TestCertificates _certificates = null!;
    private string _dir = "";

    [OneTimeSetUp]
    public void CreateCertificates() => _certificates = TestCertificates.Create();

    [OneTimeTearDown]
    public void DeleteCertificates() => _certificates.Dispose();

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("mcpgw-tls-config-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private string Write(string json)
    {
        var path = Path.Combine(_dir, "gateway.json");
        File.WriteAllText(path, json);
        return path;
    }

    private static string Quote(string value) => JsonSerializer.Serialize(value);

    // Auth mode none is loopback only; a listener on every interface authenticates with OIDC.
    private const string Oidc = """ "auth": { "mode": "oidc", "issuer": "https://idp.example/oauth2/default", "audience": "api://mcp-gateway" } """;

    private const string Connections = """ "connections": { "x": { "transport": "tcp", "host": "127.0.0.1", "port": 9 } } """;

    [Test]
    public void LoadFile_NonLoopbackWithoutTlsOrAllowPlaintext_IsRefused()
    {
        var path = Write($$"""{ "listen": "0.0.0.0:7400", {{Oidc}}, {{Connections}} }""");

        var ex = Assert.Throws<InvalidConfigurationException>(() => GatewayConfiguration.LoadFile(path));

        Assert.That(ex!.Errors, Has.One.StartsWith("tls: required").And.Contains("allowPlaintext"));
    }

    [Test]
    public void LoadFile_OidcOnLoopbackWithoutTlsOrAllowPlaintext_IsRefused()
    {
        var path = Write($$"""
            { "listen": "127.0.0.1:7400", "auth": { "mode": "oidc", "issuer": "https://idp.example.com", "audience": "api://mcp-gateway" }, {{Connections}} }
            """);

        var ex = Assert.Throws<InvalidConfigurationException>(() => GatewayConfiguration.LoadFile(path));

        Assert.That(ex!.Errors, Is.EqualTo(new[] { ex.Errors.Single(e => e.StartsWith("tls: required", StringComparison.Ordinal)) }));
    }

    [Test]
    public void LoadFile_AllowPlaintext_IsAcceptedOnAnyAddress()
    {
        var path = Write($$"""{ "listen": "0.0.0.0:7400", {{Oidc}}, "allowPlaintext": true, {{Connections}} }""");

        var settings = GatewayConfiguration.LoadFile(path);

        Assert.Multiple(() =>
        {
            Assert.That(settings.Tls, Is.Null);
            Assert.That(settings.AllowPlaintext, Is.True);
        });
    }

    [Test]
    public void LoadFile_AuthNoneOnLoopback_NeedsNeitherTlsNorAllowPlaintext()
    {
        var path = Write($$"""{ "listen": "127.0.0.1:7400", "auth": { "mode": "none" }, {{Connections}} }""");

        Assert.That(GatewayConfiguration.LoadFile(path).Tls, Is.Null);
    }

    [Test]
    public void LoadFile_TlsSection_LoadsCertificateCasAndIdentities()
    {
        var client = _certificates.Client;
        var path = Write($$"""
            { "listen": "0.0.0.0:7400", {{Oidc}}, {{Connections}},
              "tls": { "certificateFile": {{Quote(_certificates.Server.CertificateFile)}}, "keyFile": {{Quote(_certificates.Server.KeyFile)}},
                       "clientCertificates": { "mode": "allow", "trustedCaFile": {{Quote(_certificates.CaFile)}},
                         "identities": {
                           {{Quote(client.Thumbprint.ToLowerInvariant())}}: { "subject": "svc-by-thumbprint", "groups": [ "a" ] },
                           "CN=svc-unmapped": { "subject": "svc-by-subject" } } } } }
            """);

        var tls = GatewayConfiguration.LoadFile(path).Tls;

        Assert.Multiple(() =>
        {
            Assert.That(tls, Is.Not.Null);
            Assert.That(tls!.Certificate.HasPrivateKey, Is.True);
            Assert.That(tls.Certificate.Subject, Is.EqualTo("CN=127.0.0.1"));
            Assert.That(tls.ClientCertificates, Is.EqualTo(ClientCertificateRequirement.Allow));
            Assert.That(tls.TrustedCas, Has.Count.EqualTo(1));
            Assert.That(tls.IdentitiesByThumbprint[client.Thumbprint].Subject, Is.EqualTo("svc-by-thumbprint"));
            Assert.That(tls.IdentitiesByThumbprint[client.Thumbprint].Groups, Is.EqualTo(new[] { "a" }));
            Assert.That(tls.IdentitiesBySubject[_certificates.UnmappedClient.Certificate.SubjectName.Name].Subject, Is.EqualTo("svc-by-subject"));
        });
    }

    [Test]
    public void LoadFile_BadTlsSection_ReportsEveryMistakeAtOnce()
    {
        var path = Write($$"""
            { "listen": "0.0.0.0:7400", {{Oidc}}, {{Connections}},
              "tls": { "certificateFile": "missing.pem", "keyFile": "missing.key", "password": { "value": "literal" },
                       "clientCertificates": { "mode": "sometimes",
                         "identities": { "not a DN or thumbprint": { "subject": "" } } } } }
            """);

        var ex = Assert.Throws<InvalidConfigurationException>(() => GatewayConfiguration.LoadFile(path));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Errors, Has.Some.StartsWith("tls.password:"));
            Assert.That(ex.Errors, Has.Some.StartsWith("tls.certificateFile:").And.Contains("missing.pem"));
            Assert.That(ex.Errors, Has.Some.StartsWith("tls.clientCertificates.mode: 'sometimes'"));
            Assert.That(ex.Errors, Has.Some.StartsWith("tls.clientCertificates: trustedCaFile and identities need mode"));
            Assert.That(ex.Errors, Has.Some.StartsWith("tls.clientCertificates.identities.not a DN or thumbprint.subject:"));
            Assert.That(ex.Errors, Has.Some.StartsWith("tls.clientCertificates.identities.not a DN or thumbprint:").And.Contains("neither"));
            Assert.That(ex.Errors, Has.None.StartsWith("tls: required"));
        });
    }

    [Test]
    public void LoadFile_AllowWithoutTrustedCa_IsRefused()
    {
        var path = Write($$"""
            { "listen": "0.0.0.0:7400", {{Oidc}}, {{Connections}},
              "tls": { "certificateFile": {{Quote(_certificates.Server.CertificateFile)}}, "keyFile": {{Quote(_certificates.Server.KeyFile)}},
                       "clientCertificates": { "mode": "require" } } }
            """);

        var ex = Assert.Throws<InvalidConfigurationException>(() => GatewayConfiguration.LoadFile(path));

        Assert.That(ex!.Errors, Is.EqualTo(new[] { "tls.clientCertificates.trustedCaFile: required when client certificates are allowed or required" }));
    }

    [Test]
    public void LoadFile_CertificateWithoutKey_IsRefused()
    {
        var path = Write($$"""
            { "listen": "0.0.0.0:7400", {{Oidc}}, {{Connections}},
              "tls": { "certificateFile": {{Quote(_certificates.Server.CertificateFile)}} } }
            """);

        var ex = Assert.Throws<InvalidConfigurationException>(() => GatewayConfiguration.LoadFile(path));

        Assert.That(ex!.Errors.Single(), Does.StartWith("tls.certificateFile:"));
    }

    [Test]
    public void LoadFile_PasswordProtectedPfx_LoadsWithPasswordFromFile()
    {
        var pfx = Path.Combine(_dir, "server.pfx");
        File.WriteAllBytes(pfx, _certificates.Server.Certificate.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx, "pfx-pass"));
        File.WriteAllText(Path.Combine(_dir, "pfx-password"), "pfx-pass\n");
        var path = Write($$"""
            { "listen": "0.0.0.0:7400", {{Oidc}}, {{Connections}},
              "tls": { "certificateFile": "server.pfx", "password": { "fromFile": "pfx-password" } } }
            """);

        var tls = GatewayConfiguration.LoadFile(path).Tls;

        Assert.That(tls?.Certificate.HasPrivateKey, Is.True);
    }
}
