using System.Text.Json.Nodes;
using McpGateway.Tests.EndToEnd.External;
using McpGateway.Tests.Infrastructure;

namespace McpGateway.Tests.Samples;

/// <summary>
/// samples/inspectors/deny-list-python: its own Python tests, and the sample started by a gateway (transport stdio) the
/// way its README configures it, refusing a tool call whose arguments match the deny list.
/// </summary>
[TestFixture]
internal sealed class DenyListInspectorSampleTests
{
    private const string Name = "deny-list";

    private static string SampleDirectory => Path.Combine(RepoPaths.Root, "samples", "inspectors", "deny-list-python");

    private ExternalInspectorRig _rig = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var inspector = new JsonObject
        {
            ["transport"] = "stdio",
            ["command"] = "python3",
            ["args"] = new JsonArray(Path.Combine(SampleDirectory, "deny_list_inspector.py"), Path.Combine(SampleDirectory, "deny-list.json")),
            ["budget"] = "00:00:00.500",
        };
        _rig = await ExternalInspectorRig.StartAsync(inspector, timeout.Token, name: Name);
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _rig.DisposeAsync();

    [Test]
    [CancelAfter(60000)]
    public async Task PythonTests_SampleSuite_Pass(CancellationToken cancellationToken)
    {
        await using var run = ChildProcess.Start("python3", ["-m", "unittest", "discover", "-s", SampleDirectory, "-v"]);
        await run.WaitForExitAsync(cancellationToken);

        Assert.That(run.ExitCode, Is.EqualTo(0), run.Describe());
    }

    [Test]
    [CancelAfter(20000)]
    public async Task ToolsCall_ArgumentsMatchDenyList_RefusedWithSampleReason(CancellationToken cancellationToken)
    {
        var (client, _) = await _rig.ConnectAsync(cancellationToken);
        await using var _ = client;

        var refused = await ExternalInspectorRig.EchoAsync(client, 1, "please rm -rf / now", cancellationToken);
        var allowed = await ExternalInspectorRig.EchoAsync(client, 2, "list the files", cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(ExternalInspectorRig.Code(refused), Is.EqualTo(-31003));
            Assert.That(ExternalInspectorRig.Reason(refused), Is.EqualTo("deny_list_match"));
            Assert.That(ExternalInspectorRig.Rule(refused), Is.EqualTo(Name));
            Assert.That(ExternalInspectorRig.Text(allowed), Is.EqualTo("Echo: list the files"));
        });
    }
}
