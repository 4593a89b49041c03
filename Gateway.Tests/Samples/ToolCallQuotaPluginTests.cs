using System.Runtime.Loader;
using System.Text.Json.Nodes;
using McpGateway.Core.Chain;
using McpGateway.Core.Configuration;
using McpGateway.Host.Commands;
using McpGateway.Inspectors;
using McpGateway.Tests.EndToEnd.Protocol;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;

namespace McpGateway.Tests.Samples;

/// <summary>
/// samples/ToolCallQuota loaded the way a platform team would: its built assembly named under <c>plugins</c> in a
/// configuration file, placed in the chain by <c>inspectors</c>, configured through <c>pluginOptions</c>.
/// </summary>
[TestFixture]
internal sealed class ToolCallQuotaPluginTests
{
    private const string Connection = "everything";

    private string _directory = null!;
    private GatewayHarness _gateway = null!;

    [OneTimeSetUp]
    public async Task StartGatewayFromConfigFileAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        _directory = Directory.CreateTempSubdirectory("mcpgw-quota-").FullName;
        var config = new JsonObject
        {
            ["listen"] = "127.0.0.1:0",
            ["auth"] = new JsonObject { ["mode"] = "none" },
            ["plugins"] = new JsonArray(BuildOutputs.ToolCallQuotaPluginDll),
            ["inspectors"] = new JsonArray("tool-call-quota"),
            ["pluginOptions"] = new JsonObject { ["toolCallQuota"] = new JsonObject { ["maxCallsPerSession"] = 2 } },
            ["connections"] = new JsonObject
            {
                [Connection] = new JsonObject
                {
                    ["transport"] = "stdio",
                    ["command"] = "node",
                    ["args"] = new JsonArray(RepoPaths.ServerEverythingJs, "stdio"),
                },
            },
        };
        var path = Path.Combine(_directory, "gateway.json");
        await File.WriteAllTextAsync(path, config.ToJsonString(), timeout.Token);

        var settings = GatewayConfiguration.LoadFile(path);
        _gateway = await GatewayHarness.StartAsync(settings, timeout.Token);
    }

    [OneTimeTearDown]
    public async Task StopGatewayAsync()
    {
        await _gateway.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    public void Describe_PluginNamedInInspectors_RunsRightAfterAuthentication()
    {
        Assert.That(_gateway.Application.Chain.Describe(), Does.StartWith("client->upstream: authentication > tool-call-quota\n"));
    }

    [Test]
    [CancelAfter(15000)]
    public async Task ToolsCall_ThirdInSession_RejectedByQuotaWhileFirstTwoPass(CancellationToken cancellationToken)
    {
        await using var client = await _gateway.ConnectAsync(Connection, cancellationToken);
        await client.InitializeAsync(cancellationToken);

        var list = await client.RequestAsync(1, "tools/list", null, cancellationToken);
        var first = await CallEchoAsync(client, 2, "one", cancellationToken);
        var second = await CallEchoAsync(client, 3, "two", cancellationToken);
        var third = await CallEchoAsync(client, 4, "three", cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(list["result"], Is.Not.Null, "only tools/call counts against the quota");
            Assert.That(Text(first), Is.EqualTo("Echo: one"));
            Assert.That(Text(second), Is.EqualTo("Echo: two"));
            Assert.That(third["result"], Is.Null);
            Assert.That(third["error"]?["code"]?.GetValue<int>(), Is.EqualTo(-31009));
            Assert.That(third["error"]?["data"]?["rule"]?.GetValue<string>(), Is.EqualTo("tool-call-quota"));
            Assert.That(third["error"]?["data"]?["reason"]?.GetValue<string>(), Is.EqualTo("tool_call_quota_exceeded"));
        });
    }

    [Test]
    [CancelAfter(15000)]
    public async Task ToolsCall_NewSession_StartsWithItsOwnQuota(CancellationToken cancellationToken)
    {
        await using var spent = await _gateway.ConnectAsync(Connection, cancellationToken);
        await spent.InitializeAsync(cancellationToken);
        for (var id = 1; id <= 3; id++)
        {
            await CallEchoAsync(spent, id, "spend", cancellationToken);
        }

        await using var fresh = await _gateway.ConnectAsync(Connection, cancellationToken);
        await fresh.InitializeAsync(cancellationToken);
        var call = await CallEchoAsync(fresh, 1, "fresh", cancellationToken);

        Assert.That(Text(call), Is.EqualTo("Echo: fresh"));
    }

    [Test]
    public void Load_SamplePlugin_InItsOwnLoadContextSharingTheContractWithTheHost()
    {
        var contexts = AssemblyLoadContext.All.Where(c => c.Assemblies.Any(a => a.GetName().Name == "McpGateway.Samples.ToolCallQuota")).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(contexts, Is.Not.Empty, "the fixture's gateway loaded the plugin");
            Assert.That(contexts.Select(c => c.Name), Has.All.EqualTo("plugin:McpGateway.Samples.ToolCallQuota"));
            Assert.That(contexts.SelectMany(c => c.Assemblies).Select(a => a.GetName().Name), Does.Not.Contain("McpGateway.Core"), "the contract comes from the host");
            Assert.That(AssemblyLoadContext.Default.Assemblies.Select(a => a.GetName().Name), Does.Not.Contain("McpGateway.Samples.ToolCallQuota"));
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task Start_NegativeQuota_RefusedNamingInspectorPluginAndOption(CancellationToken cancellationToken)
    {
        var path = await WriteConfigAsync("negative.json", -1, cancellationToken);
        var settings = GatewayConfiguration.LoadFile(path);

        var ex = Assert.ThrowsAsync<InvalidChainException>(() => GatewayHarness.StartAsync(settings, cancellationToken));

        Assert.That(ex!.Errors, Is.EqualTo(new[] { NegativeQuotaError }));
    }

    [Test]
    [CancelAfter(30000)]
    public async Task ConfigCheck_NegativeQuota_ReportsItNamingInspectorPluginAndOption(CancellationToken cancellationToken)
    {
        var path = await WriteConfigAsync("negative-check.json", -1, cancellationToken);
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = ConfigCheckCommand.Run([path], output, error);

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(ConfigCheckCommand.Invalid));
            Assert.That(error.ToString(), Does.Contain(NegativeQuotaError));
        });
    }

    private const string NegativeQuotaError =
        "inspector 'tool-call-quota' of plugin 'McpGateway.Samples.ToolCallQuota': pluginOptions.toolCallQuota.maxCallsPerSession: maxCallsPerSession must not be negative";

    private async Task<string> WriteConfigAsync(string name, int maxCallsPerSession, CancellationToken cancellationToken)
    {
        var config = new JsonObject
        {
            ["listen"] = "127.0.0.1:0",
            ["auth"] = new JsonObject { ["mode"] = "none" },
            ["plugins"] = new JsonArray(BuildOutputs.ToolCallQuotaPluginDll),
            ["inspectors"] = new JsonArray("tool-call-quota"),
            ["pluginOptions"] = new JsonObject { ["toolCallQuota"] = new JsonObject { ["maxCallsPerSession"] = maxCallsPerSession } },
            ["connections"] = new JsonObject
            {
                [Connection] = new JsonObject
                {
                    ["transport"] = "stdio",
                    ["command"] = "node",
                    ["args"] = new JsonArray(RepoPaths.ServerEverythingJs, "stdio"),
                },
            },
        };
        var path = Path.Combine(_directory, name);
        await File.WriteAllTextAsync(path, config.ToJsonString(), cancellationToken);
        return path;
    }

    private static Task<JsonObject> CallEchoAsync(RawMcpClient client, int id, string message, CancellationToken cancellationToken) =>
        client.RequestAsync(id, "tools/call", new JsonObject
        {
            ["name"] = "echo",
            ["arguments"] = new JsonObject { ["message"] = message },
        }, cancellationToken);

    private static string? Text(JsonObject response) => response["result"]?["content"]?[0]?["text"]?.GetValue<string>();
}
