using System.Net;
using System.Net.Sockets;
using NUnit.Framework;

namespace McpGateway.Tests.Infrastructure;

[TestFixture]
internal sealed class PeerStartupTests
{
    [Test]
    [CancelAfter(120000)]
    public async Task OidcProviderStart_PortHeldByAnotherProcess_FailsNamingTheProviderWithItsStderr(CancellationToken cancellationToken)
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;

        var failure = Assert.ThrowsAsync<InvalidOperationException>(
            async () => await OidcProvider.StartAsync(cancellationToken, new OidcProviderOptions { Port = port }));

        Assert.That(failure!.Message, Does.Contain("the OIDC provider").And.Contain("exited before it served").And.Contain("EADDRINUSE"));
    }

    [Test]
    [CancelAfter(120000)]
    public async Task OidcProviderStart_Started_DiscoveryDocumentAlreadyAnswers(CancellationToken cancellationToken)
    {
        await using var provider = await OidcProvider.StartAsync(cancellationToken);
        using var http = new HttpClient();

        using var response = await http.GetAsync(provider.Issuer + "/.well-known/openid-configuration", cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(provider.PrivateJwks, Does.Contain("\"kty\""));
        });
    }

    [Test]
    [CancelAfter(60000)]
    public async Task WaitUntilServing_ProcessNeverListens_TimesOutNamingThePeerWithItsStderr(CancellationToken cancellationToken)
    {
        var port = OidcProvider.FreePort();
        await using var process = ChildProcess.Start("node", ["-e", "console.error('still loading modules'); console.log('started'); setInterval(() => {}, 1000)"]);
        await process.WaitForLineAsync(l => l == "started", TimeSpan.FromSeconds(50), cancellationToken);

        var failure = Assert.ThrowsAsync<TimeoutException>(
            async () => await PeerStartup.WaitUntilServingAsync(process, "the stalled peer", PeerStartup.TcpPort(port), TimeSpan.FromSeconds(3), cancellationToken));

        Assert.That(failure!.Message, Does.Contain("the stalled peer did not serve within").And.Contain("still loading modules"));
    }
}
