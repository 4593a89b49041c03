using McpGateway.Core.Configuration;
using McpGateway.Inspectors;
using McpGateway.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace McpGateway.Tests.Configuration;

/// <summary>Relative paths in a stdio connection mean the same wherever the gateway is started from.</summary>
[TestFixture]
internal sealed class PathResolutionTests
{
    [TestCase("./server.js", "/etc/mcpgw/server.js")]
    [TestCase("../lib/server.js", "/etc/lib/server.js")]
    [TestCase(".", "/etc/mcpgw")]
    [TestCase("stdio", "stdio")]
    [TestCase("-y", "-y")]
    [TestCase("--root=./data", "--root=./data")]
    [TestCase("src/server.js", "src/server.js")]
    [TestCase("/opt/server.js", "/opt/server.js")]
    public void Argument_AgainstTheConfigurationFolder_ResolvesOnlyExplicitlyRelativePaths(string argument, string expected)
    {
        Assert.That(PathResolution.Argument(argument, "/etc/mcpgw"), Is.EqualTo(expected));
    }

    [TestCase("node", "node")]
    [TestCase("./bin/server", "/etc/mcpgw/bin/server")]
    [TestCase("bin/server", "/etc/mcpgw/bin/server")]
    [TestCase("/usr/bin/node", "/usr/bin/node")]
    public void Command_AgainstTheConfigurationFolder_ResolvesPathsNotBareNames(string command, string expected)
    {
        Assert.That(PathResolution.Command(command, "/etc/mcpgw"), Is.EqualTo(expected));
    }

    [Test]
    public void LoadFile_MinimalDevSample_ServerPathPointsIntoTheRepositoryWhateverTheCurrentFolder()
    {
        var settings = GatewayConfiguration.LoadFile(Path.Combine(RepoPaths.Root, "samples", "configs", "minimal-dev.json"));

        var everything = (StdioConnectionSettings)settings.Connections["everything"];
        Assert.That(everything.Args[0], Is.EqualTo(RepoPaths.ServerEverythingJs));
        Assert.That(everything.Args[1], Is.EqualTo("stdio"));
    }

    [Test]
    public void Load_WorkingDirectorySet_RelativeArgumentsFollowIt()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["listen"] = "127.0.0.1:7400",
            ["auth:mode"] = "none",
            ["connections:local:transport"] = "stdio",
            ["connections:local:command"] = "./run",
            ["connections:local:workingDirectory"] = "servers/local",
            ["connections:local:args:0"] = "./index.js",
        }).Build();

        var settings = GatewayConfiguration.Load(configuration, "/etc/mcpgw");

        var local = (StdioConnectionSettings)settings.Connections["local"];
        Assert.Multiple(() =>
        {
            Assert.That(local.WorkingDirectory, Is.EqualTo("/etc/mcpgw/servers/local"));
            Assert.That(local.Command, Is.EqualTo("/etc/mcpgw/servers/local/run"));
            Assert.That(local.Args, Is.EqualTo(new[] { "/etc/mcpgw/servers/local/index.js" }));
        });
    }
}
