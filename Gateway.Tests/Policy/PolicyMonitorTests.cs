using McpGateway.Core.Configuration;
using McpGateway.Inspectors;
using McpGateway.Inspectors.Policy;
using McpGateway.Tests.EndToEnd.Policy;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpGateway.Tests.Policy;

[TestFixture]
public sealed class PolicyMonitorTests
{
    private const string Good = """{ "reloadInterval": "01:00:00", "rules": [ { "id": "a", "action": "allow", "match": { "tools": [ "query" ] } } ] }""";

    private DirectoryInfo _directory = null!;
    private string _path = "";

    [SetUp]
    public void SetUp()
    {
        _directory = Directory.CreateTempSubdirectory("mcpgw-policy-monitor-");
        _path = Path.Combine(_directory.FullName, "gateway.json");
        File.WriteAllText(_path, PolicyRig.Config(1, Good));
    }

    [TearDown]
    public void TearDown() => _directory.Delete(recursive: true);

    [Test]
    public void Reload_InvalidPolicy_LogsEveryErrorAndKeepsRevision()
    {
        var logger = new CapturingLogger<PolicyMonitor>();
        using var monitor = Monitor(logger);
        File.WriteAllText(_path, PolicyRig.Config(1, """
            { "rules": [ { "id": "", "action": "allow" },
                         { "id": "b", "action": "allow", "match": { "connections": [ "nowhere" ], "arguments": { "sql": { "regex": "(" } } } } ] }
            """));

        var reloaded = monitor.Reload();

        Assert.That(reloaded, Is.False);
        Assert.That(monitor.Current.Revision, Is.EqualTo(1));
        var errors = logger.Entries.Where(e => e.Level == LogLevel.Error).Select(e => e.Message).ToList();
        Assert.That(errors, Has.Count.EqualTo(3), string.Join("\n", errors));
        Assert.That(errors, Has.Some.Contains("policy.rules[0].id: required"));
        Assert.That(errors, Has.Some.Contains("no connection named 'nowhere'"));
        Assert.That(errors, Has.Some.Contains("not a valid regular expression"));
        Assert.That(errors, Has.All.Contains("revision 1 stays in force"));
    }

    [Test]
    public void Poll_ChangedFile_AppliedOnSecondUnchangedPoll()
    {
        using var monitor = Monitor(NullLogger<PolicyMonitor>.Instance);
        File.WriteAllText(_path, PolicyRig.Config(1, """{ "default": "allow", "reloadInterval": "01:00:00" }"""));

        monitor.Poll();
        var afterFirst = monitor.Current;
        monitor.Poll();
        var afterSecond = monitor.Current;
        monitor.Poll();

        Assert.That(afterFirst.Revision, Is.EqualTo(1));
        Assert.That(afterSecond.Revision, Is.EqualTo(2));
        Assert.That(afterSecond.DefaultAction, Is.EqualTo(PolicyAction.Allow));
        Assert.That(monitor.Current, Is.SameAs(afterSecond), "an unchanged file is not reloaded again");
    }

    [Test]
    public void Poll_FileStillChanging_WaitsUntilItSettles()
    {
        using var monitor = Monitor(NullLogger<PolicyMonitor>.Instance);

        File.WriteAllText(_path, PolicyRig.Config(1, """{ "default": "allow", "reloadInterval": "01:00:00" }"""));
        monitor.Poll();
        File.WriteAllText(_path, PolicyRig.Config(1, """{ "default": "deny", "reloadInterval": "01:00:00", "rules": [] }"""));
        monitor.Poll();
        var whileChanging = monitor.Current.Revision;
        monitor.Poll();

        Assert.That(whileChanging, Is.EqualTo(1));
        Assert.That(monitor.Current.Revision, Is.EqualTo(2));
        Assert.That(monitor.Current.RuleCount, Is.Zero);
    }

    private PolicyMonitor Monitor(ILogger<PolicyMonitor> logger)
    {
        var settings = GatewayConfiguration.LoadFile(_path);
        var monitor = new PolicyMonitor(settings, new ToolPinStore(null, TimeProvider.System, NullLogger.Instance), TimeProvider.System, logger);
        monitor.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        return monitor;
    }
}
