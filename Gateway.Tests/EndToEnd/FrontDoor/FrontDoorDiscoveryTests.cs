using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using McpGateway.Core.Configuration;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;

namespace McpGateway.Tests.EndToEnd.FrontDoor;

/// <summary>
/// An MCP client that implements the authorization spec finds the identity provider by itself: the TypeScript SDK,
/// given only client credentials, meets the front door's 401, follows its resource metadata to the issuer, discovers
/// the token endpoint, gets a token for the resource (RFC 8707) and calls tools with it.
/// </summary>
[TestFixture]
internal sealed class FrontDoorDiscoveryTests
{
    [Test]
    [CancelAfter(45000)]
    public async Task TypeScriptSdk_OnlyClientCredentials_FindsTheIssuerThroughTheMetadataAndCallsTools(CancellationToken cancellationToken)
    {
        var port = OidcProvider.FreePort();
        var resource = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/mcp/everything");
        await using var provider = await OidcProvider.StartAsync(cancellationToken, new OidcProviderOptions { IssuerPath = "/oauth2/default", OktaStyle = true, ExtraAudiences = resource });
        var settings = GatewayHarness.Settings(GatewayHarness.Everything()) with
        {
            AuthMode = AuthMode.Oidc,
            Oidc = provider.Settings() with { Audiences = [OidcProvider.Audience, resource] },
            FrontDoor = new FrontDoorSettings { Endpoint = new IPEndPoint(IPAddress.Loopback, port), Scopes = ["mcp:tools"] },
        };
        await using var gateway = await GatewayHarness.StartAsync(settings, cancellationToken);

        await using var client = ChildProcess.Start(
            "node",
            [
                Path.Combine(RepoPaths.Peers, "ts-http-client.mjs"),
                "--url", resource,
                "--client-id", OidcProvider.Alice,
                "--client-secret", "alice-secret",
                "--issuer", provider.Issuer,
                "--scenario", "basic",
                "--timeout-ms", "30000",
            ],
            workingDirectory: RepoPaths.Peers);
        await client.WaitForExitAsync(cancellationToken);

        Assert.That(client.ExitCode, Is.Zero, client.Describe());
        var lines = client.OutputLines.Select(line => JsonNode.Parse(line)!.AsObject()).ToList();
        var echo = lines.Single(l => (string?)l["step"] == "tools/call echo");
        Assert.That((string?)echo["result"]?["content"]?[0]?["text"], Is.EqualTo("Echo: hello over http"));
    }
}
