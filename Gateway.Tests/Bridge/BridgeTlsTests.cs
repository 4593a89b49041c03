using System.Collections.Concurrent;
using System.Globalization;
using McpGateway.Core.Identity;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.EndToEnd.Tls;
using McpGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace McpGateway.Tests.Bridge;

/// <summary>The bridge dialing a TLS listener: checking the gateway's certificate, and presenting a client certificate that stands for the identity.</summary>
[TestFixture]
internal sealed class BridgeTlsTests
{
    private readonly RecordingAuthenticator _authenticator = new(TimeSpan.FromHours(1));
    private TestCertificates _certificates = null!;
    private GatewayHarness _gateway = null!;

    [OneTimeSetUp]
    public async Task StartGateway()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        _certificates = TestCertificates.Create();
        var settings = TlsGateway.Settings(_certificates, "allow", (_certificates.Client.Thumbprint, "svc-x", ["services"]));
        _gateway = await GatewayHarness.StartAsync(settings, timeout.Token, services => services.AddSingleton<IGatewayAuthenticator>(_authenticator));
    }

    [OneTimeTearDown]
    public async Task StopGateway()
    {
        await _gateway.DisposeAsync();
        _certificates.Dispose();
    }

    private string GatewayAddress => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{_gateway.Endpoint.Port}");

    [Test]
    [CancelAfter(30000)]
    public async Task SdkClient_TlsWithCaFile_CallsEcho(CancellationToken cancellationToken)
    {
        var stderr = new ConcurrentQueue<string>();

        await using var client = await BridgeLauncher.ConnectSdkClientAsync(
            ["--gateway", GatewayAddress, "--connection", "everything", "--tls", "--ca-file", _certificates.CaFile, "--token-command", "echo tls-token"], stderr, cancellationToken);
        var echo = await BridgeLauncher.EchoAsync(client, "over TLS", cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(echo, Is.EqualTo("Echo: over TLS"));
            Assert.That(stderr, Has.Some.Contains("(TLS)"));
            Assert.That(_authenticator.Tokens, Does.Contain("tls-token"));
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task SdkClient_MappedClientCertificateWithoutToken_RunsAsItsIdentity(CancellationToken cancellationToken)
    {
        var stderr = new ConcurrentQueue<string>();

        await using var client = await BridgeLauncher.ConnectSdkClientAsync(
            ["--gateway", GatewayAddress, "--connection", "everything", "--tls", "--ca-file", _certificates.CaFile,
             "--client-cert", _certificates.Client.CertificateFile, "--client-key", _certificates.Client.KeyFile], stderr, cancellationToken);
        var echo = await BridgeLauncher.EchoAsync(client, "by certificate", cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(echo, Is.EqualTo("Echo: by certificate"));
            Assert.That(stderr, Has.Some.Contains("Authenticated as svc-x"));
            Assert.That(stderr, Has.Some.Contains("(mutual TLS)"));
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task Bridge_UnmappedClientCertificateWithoutToken_ExitsThree(CancellationToken cancellationToken)
    {
        await using var bridge = BridgeLauncher.Start(null, "--gateway", GatewayAddress, "--connection", "everything", "--tls", "--ca-file", _certificates.CaFile,
            "--client-cert", _certificates.UnmappedClient.CertificateFile, "--client-key", _certificates.UnmappedClient.KeyFile);

        await bridge.WaitForExitAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(bridge.ExitCode, Is.EqualTo(3), bridge.Describe());
            Assert.That(bridge.StandardError, Does.Contain("-31001 invalid_token"));
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task Bridge_GatewayCertificateNotFromTrustedCa_ExitsFour(CancellationToken cancellationToken)
    {
        // Without --ca-file the system's trust store is used, which does not know the test CA.
        await using var bridge = BridgeLauncher.Start(null, "--gateway", GatewayAddress, "--connection", "everything", "--tls", "--token-command", "echo t");

        await bridge.WaitForExitAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(bridge.ExitCode, Is.EqualTo(4), bridge.Describe());
            Assert.That(bridge.StandardError, Does.Contain("TLS with the gateway at 127.0.0.1:"));
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task Bridge_PlaintextToTlsListener_FailsWithoutRelaying(CancellationToken cancellationToken)
    {
        await using var bridge = BridgeLauncher.Start(null, "--gateway", GatewayAddress, "--connection", "everything", "--token-command", "echo t");

        await bridge.WaitForExitAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(bridge.ExitCode, Is.EqualTo(3), bridge.Describe());
            Assert.That(bridge.StandardError, Does.Contain("add --tls"));
            Assert.That(bridge.OutputLines, Is.Empty);
        });
    }
}
