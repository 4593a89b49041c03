using System.Text.Json.Nodes;
using McpGateway.Core.Configuration;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace McpGateway.Tests.EndToEnd.Operations;

/// <summary>Whatever the level, the logs never hold a token or a payload: a real OIDC session at Trace, scanned.</summary>
[TestFixture]
internal sealed class LogSecrecyTests
{
    private const string PlantedSecret = "sk-live-PLANTED-51f0c2e9d8b7a6";

    [Test]
    [CancelAfter(45000)]
    public async Task Logs_AtTraceDuringARealOidcSession_HoldNeitherTheTokenNorThePlantedSecret(CancellationToken cancellationToken)
    {
        await using var provider = await OidcProvider.StartAsync(cancellationToken);
        var token = await provider.GetTokenAsync(OidcProvider.Alice, cancellationToken);
        var settings = GatewayHarness.Settings(GatewayHarness.Everything()) with { AuthMode = AuthMode.Oidc, Oidc = provider.Settings() };
        using var capture = new CapturingLoggerProvider();
        await using (var gateway = await GatewayHarness.StartAsync(settings, cancellationToken, logging: builder => builder.ClearProviders().AddProvider(capture).SetMinimumLevel(LogLevel.Trace)))
        {
            await using var client = await RawMcpClient.ConnectAsync(gateway.Endpoint, cancellationToken);
            var auth = await client.AuthenticateAsync("everything", cancellationToken, token);
            Assert.That(auth["result"], Is.Not.Null, auth.ToJsonString());
            await client.InitializeAsync(cancellationToken);
            var echo = await client.RequestAsync(2, "tools/call", new JsonObject
            {
                ["name"] = "echo",
                ["arguments"] = new JsonObject { ["message"] = PlantedSecret },
            }, cancellationToken);
            Assert.That(echo.ToJsonString(), Does.Contain(PlantedSecret), "the secret went through, so the logs had their chance to see it");

            // A refused renewal and a broken frame with the secret in it: error paths log too.
            await client.SendAsync("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"message\":\"" + PlantedSecret + "\"}", cancellationToken);
            await client.SendAsync(new JsonObject
            {
                ["jsonrpc"] = "2.0",
                ["id"] = 4,
                ["method"] = "mcpgateway/authenticate",
                ["params"] = new JsonObject { ["token"] = token + "tampered" },
            }, cancellationToken);
            await Task.Delay(TimeSpan.FromMilliseconds(300), cancellationToken);
        }

        var text = capture.Text;
        var signature = token[(token.LastIndexOf('.') + 1)..];
        Assert.Multiple(() =>
        {
            Assert.That(capture.Entries, Has.Count.GreaterThan(10), "Trace logging was on");
            Assert.That(text, Does.Not.Contain(token));
            Assert.That(text, Does.Not.Contain(signature), "not even the token's signature");
            Assert.That(text, Does.Not.Contain(PlantedSecret));
        });
    }
}
