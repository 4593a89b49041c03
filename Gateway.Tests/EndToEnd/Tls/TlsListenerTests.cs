using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;

namespace McpGateway.Tests.EndToEnd.Tls;

/// <summary>The TCP listener serving TLS from a configured certificate: TLS clients get through, plaintext does not.</summary>
[TestFixture]
internal sealed class TlsListenerTests
{
    private TestCertificates _certificates = null!;
    private GatewayHarness _gateway = null!;

    [OneTimeSetUp]
    public async Task StartGateway()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        _certificates = TestCertificates.Create();
        _gateway = await GatewayHarness.StartAsync(TlsGateway.Settings(_certificates), timeout.Token);
    }

    [OneTimeTearDown]
    public async Task StopGateway()
    {
        await _gateway.DisposeAsync();
        _certificates.Dispose();
    }

    [Test]
    [CancelAfter(30000)]
    public async Task TlsClient_AuthenticatesAndCallsEcho_OverTls(CancellationToken cancellationToken)
    {
        await using var client = await TlsMcpClient.ConnectAsync(_gateway.Endpoint, _certificates.Ca, null, cancellationToken);

        var auth = await client.RequestAsync("auth-1", "mcpgateway/authenticate", new JsonObject { ["token"] = "t", ["connection"] = "everything" }, cancellationToken);
        await client.InitializeAsync(cancellationToken);
        var echo = await client.RequestAsync(1, "tools/call", TlsMcpClient.Echo("over TLS"), cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(client.Stream.IsAuthenticated, Is.True);
            Assert.That(client.Stream.RemoteCertificate?.Subject, Is.EqualTo("CN=127.0.0.1"));
            Assert.That(auth["result"]?["subject"]?.GetValue<string>(), Is.EqualTo("anonymous"), auth.ToJsonString());
            Assert.That(echo["result"]?["content"]?[0]?["text"]?.GetValue<string>(), Is.EqualTo("Echo: over TLS"));
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task PlaintextClient_SendsAuthenticate_GetsNoFrameAndIsClosed(CancellationToken cancellationToken)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(_gateway.Endpoint, cancellationToken);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":1,"method":"mcpgateway/authenticate","params":{"token":"t","connection":"everything"}}""" + "\n"), cancellationToken);

        var received = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (IOException)
        {
            // A reset is a refusal too.
        }

        // Whatever came back (at most a TLS alert) is no JSON-RPC frame.
        Assert.That(Encoding.UTF8.GetString(received.ToArray()), Does.Not.Contain("jsonrpc"));
    }

    [Test]
    [CancelAfter(30000)]
    public async Task TlsClient_UntrustedServerCertificate_FailsHandshake(CancellationToken cancellationToken)
    {
        // A client that trusts another CA does not accept the gateway: the server certificate is really checked.
        Assert.That(
            async () => await TlsMcpClient.ConnectAsync(_gateway.Endpoint, _certificates.OtherCa, null, cancellationToken),
            Throws.InstanceOf<System.Security.Authentication.AuthenticationException>());
    }
}
