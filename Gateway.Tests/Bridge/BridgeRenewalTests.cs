using System.Collections.Concurrent;
using System.Globalization;
using McpGateway.Core.Identity;
using McpGateway.Tests.EndToEnd.Support;
using Microsoft.Extensions.DependencyInjection;

namespace McpGateway.Tests.Bridge;

/// <summary>The bridge renews by itself: with identities that expire after 3 s, calls go on working well past that.</summary>
[TestFixture]
internal sealed class BridgeRenewalTests
{
    [Test]
    [CancelAfter(30000)]
    public async Task Renewal_ShortLivedTokens_CallsKeepWorkingPastTheFirstExpiry(CancellationToken cancellationToken)
    {
        var authenticator = new RecordingAuthenticator(TimeSpan.FromSeconds(3));
        await using var gateway = await GatewayHarness.StartAsync(
            GatewayHarness.Settings(GatewayHarness.Everything()),
            cancellationToken,
            services => services.AddSingleton<IGatewayAuthenticator>(authenticator));
        var directory = Directory.CreateTempSubdirectory("mcpgw-renewal-").FullName;
        try
        {
            var tokenFile = Path.Combine(directory, "token");
            await File.WriteAllTextAsync(tokenFile, "first-token", cancellationToken);
            var stderr = new ConcurrentQueue<string>();
            var address = string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{gateway.Endpoint.Port}");
            await using var client = await BridgeLauncher.ConnectSdkClientAsync(["--gateway", address, "--connection", "everything", "--token-file", tokenFile], stderr, cancellationToken);

            var first = await BridgeLauncher.EchoAsync(client, "before", cancellationToken);
            await File.WriteAllTextAsync(tokenFile, "second-token", cancellationToken);
            await Task.Delay(TimeSpan.FromSeconds(4.5), cancellationToken);
            var afterExpiry = await BridgeLauncher.EchoAsync(client, "after the first token expired", cancellationToken);

            Assert.Multiple(() =>
            {
                Assert.That(first, Is.EqualTo("Echo: before"));
                Assert.That(afterExpiry, Is.EqualTo("Echo: after the first token expired"));
                Assert.That(authenticator.Tokens.ToArray(), Has.Length.GreaterThanOrEqualTo(2));
                Assert.That(authenticator.Tokens.First(), Is.EqualTo("first-token"));
                Assert.That(authenticator.Tokens, Does.Contain("second-token"), "the token file is read again at renewal");
                Assert.That(stderr, Has.Some.Contains("Renewed: valid until"));
            });
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
