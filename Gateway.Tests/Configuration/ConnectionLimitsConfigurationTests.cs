using McpGateway.Core.Configuration;
using McpGateway.Inspectors;
using McpGateway.Inspectors.Approval;

namespace McpGateway.Tests.Configuration;

/// <summary>The listeners' limits and the approval limits as the configuration file states them.</summary>
[TestFixture]
internal sealed class ConnectionLimitsConfigurationTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("mcpgw-limits-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void LoadFile_EveryListenerLimit_Read()
    {
        var settings = GatewayConfiguration.LoadFile(Write("""
            "limits": { "maxUnauthenticatedPerAddress": 4, "maxConnectionsPerAddress": 32, "maxHttpConnections": 512, "maxAdminConnections": 8,
                        "requestHeadersTimeout": "00:00:03", "keepAliveTimeout": "00:00:20", "minRequestBodyBytesPerSecond": 1000, "fileDescriptorReserve": 500 },
            "policy": { "default": "allow" },
            "approvals": { "maxHeldPerIdentity": 4, "maxNoticesPerWindow": 3, "noticeWindow": "00:05:00" }
            """));
        var limits = settings.ConnectionLimits;

        Assert.Multiple(() =>
        {
            Assert.That((limits.MaxUnauthenticatedPerAddress, limits.MaxConnectionsPerAddress, limits.MaxHttpConnections, limits.MaxAdminConnections), Is.EqualTo((4, 32, 512, 8)));
            Assert.That((limits.RequestHeadersTimeout, limits.KeepAliveTimeout), Is.EqualTo((TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(20))));
            Assert.That((limits.MinRequestBodyBytesPerSecond, limits.FileDescriptorReserve), Is.EqualTo((1000, (int?)500)));
            Assert.That((settings.Approvals!.MaxHeldPerIdentity, settings.Approvals!.MaxNoticesPerWindow, settings.Approvals!.NoticeWindow), Is.EqualTo((4, 3, TimeSpan.FromMinutes(5))));
        });
    }

    [Test]
    public void LoadFile_NoLimits_TheDefaults()
    {
        var settings = GatewayConfiguration.LoadFile(Write("""
            "policy": { "default": "allow" }
            """));

        Assert.Multiple(() =>
        {
            Assert.That(settings.ConnectionLimits, Is.EqualTo(ConnectionLimits.Default));
            Assert.That(settings.ConnectionLimits.FileDescriptorReserve, Is.Null, "derived from the process limit at start");
            Assert.That(settings.Approvals!.MaxHeldPerIdentity, Is.EqualTo(ApprovalSettings.DefaultMaxHeldPerIdentity));
            Assert.That(settings.Approvals!.MaxNoticesPerWindow, Is.EqualTo(ApprovalSettings.DefaultMaxNoticesPerWindow));
        });
    }

    [Test]
    public void LoadFile_ZeroOrNegativeLimits_EveryOneNamed()
    {
        var ex = Assert.Throws<InvalidConfigurationException>(() => GatewayConfiguration.LoadFile(Write("""
            "limits": { "maxUnauthenticatedPerAddress": 0, "maxConnectionsPerAddress": 0, "maxHttpConnections": -1, "maxAdminConnections": 0,
                        "requestHeadersTimeout": "00:00:00", "keepAliveTimeout": "-00:00:01", "minRequestBodyBytesPerSecond": 0, "fileDescriptorReserve": 0 },
            "policy": { "default": "allow" },
            "approvals": { "maxHeldPerIdentity": 0, "maxNoticesPerWindow": 0, "noticeWindow": "00:00:00" }
            """)));

        Assert.That(ex!.Errors.Select(e => e[..e.IndexOf(':', StringComparison.Ordinal)]), Is.EquivalentTo(new[]
        {
            "limits.maxUnauthenticatedPerAddress", "limits.maxConnectionsPerAddress", "limits.maxHttpConnections", "limits.maxAdminConnections",
            "limits.requestHeadersTimeout", "limits.keepAliveTimeout", "limits.minRequestBodyBytesPerSecond", "limits.fileDescriptorReserve",
            "approvals.maxHeldPerIdentity", "approvals.maxNoticesPerWindow", "approvals.noticeWindow",
        }));
    }

    private string Write(string sections)
    {
        var path = Path.Combine(_dir, "gateway.json");
        File.WriteAllText(path, $$"""
            {
              "listen": "127.0.0.1:7400",
              "auth": { "mode": "none" },
              "connections": { "files": { "transport": "stdio", "command": "node" } },
              {{sections}}
            }
            """);
        return path;
    }
}
