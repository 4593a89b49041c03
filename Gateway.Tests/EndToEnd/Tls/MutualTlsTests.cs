using System.Security.Authentication;
using System.Text.Json.Nodes;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;

namespace McpGateway.Tests.EndToEnd.Tls;

/// <summary>
/// Client certificates (wire contract, authentication rule 1): a certificate that chains to the trusted CA and is
/// mapped in <c>tls.clientCertificates.identities</c> stands for its identity, and the connection may skip the token.
/// </summary>
[TestFixture]
internal sealed class MutualTlsTests
{
    private TestCertificates _certificates = null!;
    private GatewayHarness _allow = null!;
    private GatewayHarness _require = null!;

    [OneTimeSetUp]
    public async Task StartGateways()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        _certificates = TestCertificates.Create();
        var identities = new[] { (_certificates.Client.Thumbprint, "svc-x", new[] { "mcp-users", "services" }) };
        _allow = await GatewayHarness.StartAsync(TlsGateway.Settings(_certificates, "allow", identities), timeout.Token);
        _require = await GatewayHarness.StartAsync(TlsGateway.Settings(_certificates, "require", identities), timeout.Token);
    }

    [OneTimeTearDown]
    public async Task StopGateways()
    {
        await _allow.DisposeAsync();
        await _require.DisposeAsync();
        _certificates.Dispose();
    }

    [Test]
    [CancelAfter(30000)]
    public async Task Authenticate_MappedCertificateWithoutToken_RunsAsCertificateIdentity(CancellationToken cancellationToken)
    {
        await using var client = await TlsMcpClient.ConnectAsync(_allow.Endpoint, _certificates.Ca, _certificates.Client.Certificate, cancellationToken);

        var auth = await client.RequestAsync("auth-1", "mcpgateway/authenticate", new JsonObject { ["connection"] = "everything" }, cancellationToken);
        await client.InitializeAsync(cancellationToken);
        var echo = await client.RequestAsync(1, "tools/call", TlsMcpClient.Echo("by certificate"), cancellationToken);

        var result = auth["result"];
        Assert.Multiple(() =>
        {
            Assert.That(result?["subject"]?.GetValue<string>(), Is.EqualTo("svc-x"), auth.ToJsonString());
            Assert.That(result?["groups"]?.AsArray().Select(g => g!.GetValue<string>()), Is.EqualTo(new[] { "mcp-users", "services" }));
            Assert.That(result?["expiresAt"]?.GetValue<DateTimeOffset>(), Is.EqualTo(new DateTimeOffset(_certificates.Client.Certificate.NotAfter.ToUniversalTime())).Within(TimeSpan.FromSeconds(1)));
            Assert.That(echo["result"]?["content"]?[0]?["text"]?.GetValue<string>(), Is.EqualTo("Echo: by certificate"));
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task FirstFrame_MappedCertificate_InitializeIsRelayedWithoutAuthenticate(CancellationToken cancellationToken)
    {
        await using var client = await TlsMcpClient.ConnectAsync(_allow.Endpoint, _certificates.Ca, _certificates.Client.Certificate, cancellationToken);

        var initialize = await client.RequestAsync("init", "initialize", TlsMcpClient.InitializeParams(), cancellationToken);
        await client.SendAsync(new JsonObject { ["jsonrpc"] = "2.0", ["method"] = "notifications/initialized" }, cancellationToken);
        var echo = await client.RequestAsync(2, "tools/call", TlsMcpClient.Echo("no authenticate at all"), cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(initialize["result"]?["serverInfo"], Is.Not.Null, initialize.ToJsonString());
            Assert.That(echo["result"]?["content"]?[0]?["text"]?.GetValue<string>(), Is.EqualTo("Echo: no authenticate at all"));
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task Authenticate_UnmappedCertificateWithoutToken_Gets31001AndIsClosed(CancellationToken cancellationToken)
    {
        await using var client = await TlsMcpClient.ConnectAsync(_allow.Endpoint, _certificates.Ca, _certificates.UnmappedClient.Certificate, cancellationToken);

        var auth = await client.RequestAsync("auth-1", "mcpgateway/authenticate", new JsonObject { ["connection"] = "everything" }, cancellationToken);

        Assert.That(auth["error"]?["code"]?.GetValue<int>(), Is.EqualTo(-31001), auth.ToJsonString());
        Assert.That(async () => await client.ReadAsync(cancellationToken), Throws.InstanceOf<EndOfStreamException>().Or.InstanceOf<IOException>());
    }

    [Test]
    [CancelAfter(30000)]
    public async Task Authenticate_UntrustedCertificateWithoutToken_Gets31001(CancellationToken cancellationToken)
    {
        // Same subject as the mapped certificate, but issued by a CA the gateway does not trust.
        await using var client = await TlsMcpClient.ConnectAsync(_allow.Endpoint, _certificates.Ca, _certificates.UntrustedClient.Certificate, cancellationToken);

        var auth = await client.RequestAsync("auth-1", "mcpgateway/authenticate", new JsonObject { ["connection"] = "everything" }, cancellationToken);

        Assert.That(auth["error"]?["code"]?.GetValue<int>(), Is.EqualTo(-31001), auth.ToJsonString());
    }

    [Test]
    [CancelAfter(30000)]
    public async Task FirstFrame_UnmappedCertificate_InitializeGets31001(CancellationToken cancellationToken)
    {
        await using var client = await TlsMcpClient.ConnectAsync(_allow.Endpoint, _certificates.Ca, _certificates.UnmappedClient.Certificate, cancellationToken);

        var initialize = await client.RequestAsync("init", "initialize", TlsMcpClient.InitializeParams(), cancellationToken);

        Assert.That(initialize["error"]?["code"]?.GetValue<int>(), Is.EqualTo(-31001), initialize.ToJsonString());
    }

    [Test]
    [CancelAfter(30000)]
    public async Task Authenticate_UntrustedCertificateWithToken_TheTokenDecides(CancellationToken cancellationToken)
    {
        await using var client = await TlsMcpClient.ConnectAsync(_allow.Endpoint, _certificates.Ca, _certificates.UntrustedClient.Certificate, cancellationToken);

        var auth = await client.RequestAsync("auth-1", "mcpgateway/authenticate", new JsonObject { ["token"] = "t", ["connection"] = "everything" }, cancellationToken);

        Assert.That(auth["result"]?["subject"]?.GetValue<string>(), Is.EqualTo("anonymous"), auth.ToJsonString());
    }

    [Test]
    [CancelAfter(30000)]
    public async Task Require_MappedCertificate_AuthenticatesWithoutToken(CancellationToken cancellationToken)
    {
        await using var client = await TlsMcpClient.ConnectAsync(_require.Endpoint, _certificates.Ca, _certificates.Client.Certificate, cancellationToken);

        var auth = await client.RequestAsync("auth-1", "mcpgateway/authenticate", new JsonObject { ["connection"] = "everything" }, cancellationToken);

        Assert.That(auth["result"]?["subject"]?.GetValue<string>(), Is.EqualTo("svc-x"), auth.ToJsonString());
    }

    [Test]
    [CancelAfter(30000)]
    public async Task Require_NoOrUntrustedCertificate_NoFrameGetsThrough(CancellationToken cancellationToken)
    {
        foreach (var certificate in new[] { null, _certificates.UntrustedClient.Certificate })
        {
            // TLS 1.3 reports a refused client certificate after the handshake, on the first read.
            try
            {
                await using var client = await TlsMcpClient.ConnectAsync(_require.Endpoint, _certificates.Ca, certificate, cancellationToken);
                Assert.That(
                    async () => await client.RequestAsync("auth-1", "mcpgateway/authenticate", new JsonObject { ["token"] = "t", ["connection"] = "everything" }, cancellationToken),
                    Throws.InstanceOf<IOException>().Or.InstanceOf<AuthenticationException>().Or.InstanceOf<EndOfStreamException>(),
                    certificate?.Subject ?? "no certificate");
            }
            catch (AuthenticationException)
            {
                // Refused in the handshake itself (TLS 1.2).
            }
        }
    }
}
