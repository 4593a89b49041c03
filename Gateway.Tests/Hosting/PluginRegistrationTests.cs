using System.Text.Json.Nodes;
using McpGateway.Core.Chain;
using McpGateway.Core.Configuration;
using McpGateway.Core.Hosting;
using McpGateway.Tests.EndToEnd.Operations;
using McpGateway.Tests.EndToEnd.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpGateway.Tests.Hosting;

/// <summary>
/// A platform team's plugin as the gateway takes it in: registered through <c>AddInspector</c>, its options bound from
/// <c>pluginOptions</c> and validated before anything listens, and every failure named after the plugin and the
/// inspector (at registration, at options validation, in InspectAsync). Runs the real gateway against server-everything.
/// </summary>
[TestFixture]
internal sealed class PluginRegistrationTests
{
    private const string Plugin = "acme-guard";

    [Test]
    public void Configure_PluginThrowsWhileRegistering_ErrorNamesPluginAndWithdrawsWhatItRegistered()
    {
        var services = new ServiceCollection();
        var errors = new List<string>();

        var plugin = PluginLoader.Configure(typeof(ThrowingRegistrationPlugin), Plugin, Options([]), services, errors);

        Assert.Multiple(() =>
        {
            Assert.That(plugin, Is.Null);
            Assert.That(errors, Is.EqualTo(new[] { $"plugin '{Plugin}' ({typeof(ThrowingRegistrationPlugin).FullName}) failed to register its inspectors: InvalidOperationException: no licence key" }));
            Assert.That(services, Is.Empty);
        });
    }

    [Test]
    [CancelAfter(30000)]
    public void Start_OptionsBreakTwoRules_RefusedWithEveryFailureNamingInspectorAndPlugin(CancellationToken cancellationToken)
    {
        var settings = GatewayHarness.Settings(GatewayHarness.Everything()) with
        {
            Inspectors = [GuardedInspector.InspectorName],
            PluginOptions = Options(new() { ["guard:limit"] = "500" }),
        };

        var ex = Assert.ThrowsAsync<InvalidChainException>(() => StartAsync(settings, new GuardPlugin(), cancellationToken));

        Assert.That(ex!.Errors, Is.EquivalentTo(new[]
        {
            $"inspector 'guarded' of plugin '{Plugin}': pluginOptions.guard.tenant: The Tenant field is required.",
            $"inspector 'guarded' of plugin '{Plugin}': pluginOptions.guard.limit: The field Limit must be between 1 and 100.",
        }));
    }

    [Test]
    [CancelAfter(30000)]
    public void Start_OptionValueOfTheWrongType_RefusedNamingTheKey(CancellationToken cancellationToken)
    {
        var settings = GatewayHarness.Settings(GatewayHarness.Everything()) with
        {
            Inspectors = [GuardedInspector.InspectorName],
            PluginOptions = Options(new() { ["guard:tenant"] = "acme", ["guard:limit"] = "many" }),
        };

        var ex = Assert.ThrowsAsync<InvalidChainException>(() => StartAsync(settings, new GuardPlugin(), cancellationToken));

        Assert.That(ex!.Errors.Single(), Does.StartWith($"inspector 'guarded' of plugin '{Plugin}': pluginOptions.guard: ").And.Contains("'many'").And.Contains("guard:Limit"));
    }

    [Test]
    [CancelAfter(30000)]
    public async Task ToolsCall_ValidOptions_InspectorDecidesWithTheBoundValues(CancellationToken cancellationToken)
    {
        var settings = GatewayHarness.Settings(GatewayHarness.Everything()) with
        {
            Inspectors = [GuardedInspector.InspectorName],
            PluginOptions = Options(new() { ["guard:tenant"] = "acme", ["guard:blockedTool"] = "echo" }),
        };
        await using var gateway = await StartAsync(settings, new GuardPlugin(), cancellationToken);
        await using var client = await gateway.ConnectAsync("everything", cancellationToken);
        await client.InitializeAsync(cancellationToken);

        var blocked = await client.RequestAsync(1, "tools/call", Call("echo"), cancellationToken);
        var allowed = await client.RequestAsync(2, "tools/call", Call("get-sum", new JsonObject { ["a"] = 1, ["b"] = 2 }), cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(blocked["error"]?["data"]?["reason"]?.GetValue<string>(), Is.EqualTo("blocked_by_guard"));
            Assert.That(blocked["error"]?["message"]?.GetValue<string>(), Does.Contain("tenant acme"));
            Assert.That(allowed["result"], Is.Not.Null, allowed.ToJsonString());
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task ToolsCall_PluginInspectorThrows_CallWithheldAndTheLogNamesPluginAndInspector(CancellationToken cancellationToken)
    {
        using var logs = new CapturingLoggerProvider();
        var settings = GatewayHarness.Settings(GatewayHarness.Everything()) with { Inspectors = [FailingInspectorPlugin.InspectorName] };
        await using var gateway = await StartAsync(settings, new FailingInspectorPlugin(), cancellationToken, logs);
        await using var client = await gateway.ConnectAsync("everything", cancellationToken);
        await client.InitializeAsync(cancellationToken);

        var call = await client.RequestAsync(1, "tools/call", Call("echo"), cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(call["error"]?["data"]?["reason"]?.GetValue<string>(), Is.EqualTo("inspector_failed"));
            Assert.That(call["error"]?["data"]?["rule"]?.GetValue<string>(), Is.EqualTo(FailingInspectorPlugin.InspectorName));
            Assert.That(logs.Text, Does.Contain($"inspector '{FailingInspectorPlugin.InspectorName}' of plugin '{Plugin}' threw InvalidOperationException: broken rule table"));
        });
    }

    private static async Task<GatewayHarness> StartAsync(GatewaySettings settings, IGatewayPlugin plugin, CancellationToken cancellationToken, ILoggerProvider? logs = null)
    {
        var errors = new List<string>();
        return await GatewayHarness.StartAsync(
            settings,
            cancellationToken,
            services =>
            {
                PluginLoader.Configure(plugin.GetType(), Plugin, settings.PluginOptions, services, errors);
                Assert.That(errors, Is.Empty);
            },
            logs is null ? null : builder => builder.AddProvider(logs).SetMinimumLevel(LogLevel.Warning));
    }

    private static IConfiguration Options(Dictionary<string, string?> values) => new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    private static JsonObject Call(string tool, JsonObject? arguments = null) => new()
    {
        ["name"] = tool,
        ["arguments"] = arguments ?? new JsonObject { ["message"] = "hi" },
    };
}
