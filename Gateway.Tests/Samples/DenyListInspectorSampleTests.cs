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

    [TestCase("unix")]
    [TestCase("tcp")]
    [CancelAfter(60000)]
    public async Task ToolsCall_SampleRunningAsService_GatewayConnectsOverSocketAndRefuses(string transport, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("mcpgw-deny-service-").FullName;
        try
        {
            var socket = Path.Combine(directory, "inspector.sock");
            string[] listen = transport == "unix" ? ["--listen-unix", socket] : ["--listen-tcp", "127.0.0.1:0"];
            await using var service = ChildProcess.Start("python3", [Path.Combine(SampleDirectory, "deny_list_inspector.py"), Path.Combine(SampleDirectory, "deny-list.json"), .. listen]);
            var listening = await service.WaitForLineAsync(line => line.StartsWith("listening on ", StringComparison.Ordinal), TimeSpan.FromSeconds(20), cancellationToken);
            var inspector = new JsonObject { ["transport"] = transport };
            inspector[transport == "unix" ? "path" : "address"] = listening["listening on ".Length..];
            await using var rig = await ExternalInspectorRig.StartAsync(inspector, cancellationToken, name: Name);
            var (client, _) = await rig.ConnectAsync(cancellationToken);
            await using var _ = client;

            var refused = await ExternalInspectorRig.EchoAsync(client, 1, "DROP TABLE users", cancellationToken);
            var allowed = await ExternalInspectorRig.EchoAsync(client, 2, "select 1", cancellationToken);

            Assert.Multiple(() =>
            {
                Assert.That(ExternalInspectorRig.Reason(refused), Is.EqualTo("deny_list_match"));
                Assert.That(ExternalInspectorRig.Text(allowed), Is.EqualTo("Echo: select 1"));
            });
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
