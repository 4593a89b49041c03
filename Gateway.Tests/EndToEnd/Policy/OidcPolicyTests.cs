using System.Text.Json.Nodes;
using McpGateway.Core.Configuration;
using McpGateway.Inspectors.Policy;
using McpGateway.Tests.EndToEnd.Hostile;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;
using McpGateway.Tests.Policy;

namespace McpGateway.Tests.EndToEnd.Policy;

/// <summary>Group rules with real tokens from an OpenID provider: each identity calls and sees only what its groups allow.</summary>
[TestFixture]
internal sealed class OidcPolicyTests
{
    private OidcProvider _provider = null!;
    private SpyUpstream _spy = null!;
    private GatewayHarness _gateway = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        _provider = await OidcProvider.StartAsync(timeout.Token);
        _spy = SpyUpstream.Start(SpyBehavior.Scripted(line => line.Method switch
        {
            "tools/list" => [line.ResponseWith(PolicyRig.ToolsResult)],
            _ when line.IsRequest => [line.EchoResponse()],
            _ => [],
        }));
        var errors = new List<string>();
        var policy = PolicyCompiler.Compile(PolicyJson.Options("""
            {
              "rules": [
                { "id": "engineers-query", "action": "allow", "match": { "groups": [ "engineering" ], "tools": [ "query" ] } },
                { "id": "admins-all-tools", "action": "allow", "match": { "groups": [ "mcp-admins" ], "tools": [ "*" ] } }
              ]
            }
            """), ["spy"], errors);
        Assert.That(errors, Is.Empty);
        var settings = GatewayHarness.Settings(GatewayHarness.Tcp("spy", _spy.Port)) with
        {
            AuthMode = AuthMode.Oidc,
            Oidc = _provider.Settings(),
            Features = FeatureSettings.Of(policy),
        };
        _gateway = await GatewayHarness.StartAsync(settings, timeout.Token);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _gateway.DisposeAsync();
        await _spy.DisposeAsync();
        await _provider.DisposeAsync();
    }

    [TestCase(OidcProvider.Alice, "query", null)]
    [TestCase(OidcProvider.Alice, "rm", "not_allowed_by_default")]
    [TestCase(OidcProvider.Admin, "rm", null)]
    [TestCase(OidcProvider.NoGroups, "query", "not_allowed_by_default")]
    [CancelAfter(20000)]
    public async Task ToolsCall_ByGroup_AllowedOrRefused(string subject, string tool, string? refusal, CancellationToken cancellationToken)
    {
        await using var client = await ConnectAsync(subject, cancellationToken);

        var response = await client.RequestAsync("call", "tools/call", new JsonObject { ["name"] = tool, ["arguments"] = new JsonObject() }, cancellationToken);

        if (refusal is null)
        {
            Assert.That((string?)response["result"]?["echo"], Is.EqualTo("tools/call"), response.ToJsonString());
        }
        else
        {
            Assert.That((int?)response["error"]?["code"], Is.EqualTo(-31003), response.ToJsonString());
            Assert.That((string?)response["error"]?["data"]?["reason"], Is.EqualTo(refusal));
        }
    }

    [TestCase(OidcProvider.Alice, new[] { "query" })]
    [TestCase(OidcProvider.Admin, new[] { "query", "echo", "rm" })]
    [TestCase(OidcProvider.NoGroups, new string[0])]
    [CancelAfter(20000)]
    public async Task ToolsList_ByGroup_ShowsOnlyCallableTools(string subject, string[] expected, CancellationToken cancellationToken)
    {
        await using var client = await ConnectAsync(subject, cancellationToken);

        var list = await client.RequestAsync("list", "tools/list", null, cancellationToken);

        Assert.That(list["result"]!["tools"]!.AsArray().Select(t => (string?)t!["name"]), Is.EqualTo(expected), list.ToJsonString());
    }

    private async Task<RawMcpClient> ConnectAsync(string subject, CancellationToken cancellationToken)
    {
        var token = await _provider.GetTokenAsync(subject, cancellationToken);
        var client = await RawMcpClient.ConnectAsync(_gateway.Endpoint, cancellationToken);
        var auth = await client.AuthenticateAsync("spy", cancellationToken, token);
        Assert.That(auth["result"], Is.Not.Null, auth.ToJsonString());
        await client.InitializeAsync(cancellationToken);
        return client;
    }
}
