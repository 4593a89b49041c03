using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using McpGateway.Core.Configuration;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.EndToEnd.Tls;
using McpGateway.Tests.Infrastructure;

namespace McpGateway.Tests.EndToEnd.FrontDoor;

/// <summary><c>http.tls</c>: the front door serves HTTPS with the listener's certificate, and nothing in plaintext.</summary>
[TestFixture]
internal sealed class FrontDoorTlsTests
{
    [Test]
    [CancelAfter(30000)]
    public async Task Post_OverHttpsWithTheListenersCertificate_Served_PlaintextRefused(CancellationToken cancellationToken)
    {
        using var certificates = TestCertificates.Create();
        var settings = TlsGateway.Settings(certificates) with
        {
            FrontDoor = new FrontDoorSettings { Endpoint = new IPEndPoint(IPAddress.Loopback, 0), UseTls = true },
        };
        await using var gateway = await GatewayHarness.StartAsync(settings, cancellationToken);
        var port = gateway.Application.FrontDoorEndpoint!.Port;
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(certificates.Ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return certificate is not null && chain.Build(certificate);
            },
        };
        using var https = new HttpClient(handler);
        using var plain = new HttpClient();

        using var served = await https.SendAsync(FrontDoorRig.Post(new Uri($"https://127.0.0.1:{port}/mcp/everything"), FrontDoorRig.Initialize(), "dev-token"), cancellationToken);
        var answer = JsonNode.Parse(await served.Content.ReadAsStringAsync(cancellationToken))!;

        Assert.Multiple(() =>
        {
            Assert.That(served.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((string?)answer["result"]?["serverInfo"]?["name"], Is.EqualTo("mcp-servers/everything"));
            Assert.ThrowsAsync<HttpRequestException>(() => plain.SendAsync(FrontDoorRig.Post(new Uri($"http://127.0.0.1:{port}/mcp/everything"), FrontDoorRig.Initialize(), "dev-token"), cancellationToken));
        });
    }
}
