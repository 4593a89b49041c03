using McpGateway.Core.Configuration;

namespace McpGateway.Tests.Configuration;

/// <summary><c>audit.logId</c>: the log a PostgreSQL-recording instance writes, and its default.</summary>
[TestFixture]
internal sealed class AuditLogIdTests
{
    [TestCase("gw1", 7443, "gw1-7443")]
    [TestCase("GW1.Example.COM", 7443, "gw1-example-com-7443")]
    [TestCase("-.-", 80, "gateway-80")]
    [TestCase("a-very-long-host-name-that-goes-on-and-on-and-on-forever", 65535, "a-very-long-host-name-that-goes-on-and-on-65535")]
    public void DefaultLogId_HostAndPort_ValidAndStable(string host, int port, string expected)
    {
        var id = AuditSettings.DefaultLogId(host, port);
        Assert.Multiple(() =>
        {
            Assert.That(id, Is.EqualTo(expected));
            Assert.That(AuditSettings.IsValidLogId(id), Is.True);
        });
    }

    [Test]
    public void Parse_LogIdGiven_Kept()
    {
        var errors = new List<string>();
        var settings = AuditSettings.Parse(new AuditOptions { Store = "postgres", ConnectionString = "Host=db", LogId = "shard-3" }, "/tmp", errors, 7443);
        Assert.Multiple(() =>
        {
            Assert.That(errors, Is.Empty);
            Assert.That(settings!.LogId, Is.EqualTo("shard-3"));
        });
    }

    [Test]
    public void Parse_NoLogId_HostNameAndListenerPort()
    {
        var errors = new List<string>();
        var settings = AuditSettings.Parse(new AuditOptions { Store = "postgres", ConnectionString = "Host=db" }, "/tmp", errors, 7443);
        Assert.That(settings!.LogId, Is.EqualTo(AuditSettings.DefaultLogId(Environment.MachineName, 7443)));
    }

    [TestCase("Upper")]
    [TestCase("-lead")]
    [TestCase("with space")]
    [TestCase("dot.ted")]
    [TestCase("\"quote")]
    [TestCase("x234567890123456789012345678901234567890123456789")]
    public void Parse_BadLogId_SaysWhy(string logId)
    {
        var errors = new List<string>();
        AuditSettings.Parse(new AuditOptions { Store = "postgres", ConnectionString = "Host=db", LogId = logId }, "/tmp", errors, 7443);
        Assert.That(errors, Has.Some.StartsWith("audit.logId:"));
    }
}
