using System.Text.Json.Nodes;
using McpGateway.Host.Cli;
using McpGateway.Host.Commands;

namespace McpGateway.Tests.Operations;

/// <summary><c>mcpgw config check FILE</c> on valid and broken files: every mistake at once, each with its path.</summary>
[TestFixture]
internal sealed class ConfigCheckCommandTests
{
    private string _directory = null!;

    [OneTimeSetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("mcpgw-check-").FullName;

    [OneTimeTearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void Run_ValidFile_ExitsZeroWithOneLineSummary()
    {
        var path = Write("valid.json", """
            { "listen": "127.0.0.1:7400", "auth": { "mode": "none" },
              "connections": { "everything": { "transport": "stdio", "command": "node" } } }
            """);

        var (exit, output, error) = Run(path);

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero, error);
            Assert.That(output.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
            Assert.That(output, Does.Contain("valid").And.Contain("1 connection").And.Contain("auth none"));
            Assert.That(error, Is.Empty);
        });
    }

    [Test]
    public void Run_FileWithManyMistakes_ReportsEachWithItsPathAndExitsOne()
    {
        var path = Write("broken.json", """
            {
              "listen": "nope",
              "auth": { "mode": "oidc", "issuer": "ftp://idp.example" },
              "tls": { "certificateFile": "missing.pem", "keyFile": "missing.key" },
              "limits": { "maxFrameByte": 3, "maxDepth": -1 },
              "inspectors": [ "no-such-inspector" ],
              "admin": { "listen": "10.0.0.1:7401" },
              "logging": { "format": "xml", "level": "Loud" },
              "connections": {
                "a": { "transport": "tcp", "host": "h" },
                "b": { "transport": "stdio", "command": "x", "env": { "K": { "fromFile": "no/such/secret" } } },
                "c": { "transport": "carrier-pigeon" }
              }
            }
            """);

        var (exit, output, error) = Run(path);

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(ConfigCheckCommand.Invalid));
            Assert.That(output, Is.Empty);
            foreach (var expected in new[]
            {
                "listen: 'nope'", "auth.issuer:", "auth.audience:", "tls.certificateFile:", "limits.maxFrameByte: unknown key",
                "limits.maxDepth:", "inspectors[0]: no inspector named 'no-such-inspector'", "admin.listen:", "logging.format:",
                "logging.level:", "connections.a.port:", "connections.b.env.K.fromFile:", "connections.c.transport:",
            })
            {
                Assert.That(error, Does.Contain("  " + expected), expected);
            }
        });
    }

    [Test]
    public void Run_BadExternalInspectorsBlock_ReportedOnceEachWithTheRestOfTheFile()
    {
        var path = Write("external.json", """
            { "listen": "nope", "auth": { "mode": "none" },
              "inspectors": [ "deny" ],
              "externalInspectors": {
                "deny": { "transport": "tcp", "address": "no-port", "maxConcurrency": 0, "onFailure": "open", "budgt": "00:00:01",
                          "approval": { "approverGroup": [ "ops" ] } },
                "stray": { "transport": "unix" }
              },
              "connections": { "c": { "transport": "tcp", "host": "127.0.0.1", "port": 1 } } }
            """);

        var (exit, output, error) = Run(path);
        var lines = error.Split('\n').Select(l => l.Trim()).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(ConfigCheckCommand.Invalid));
            Assert.That(output, Is.Empty);
            foreach (var expected in new[]
            {
                "listen: 'nope'",
                "externalInspectors.deny.address: required with transport tcp",
                "externalInspectors.deny.maxConcurrency: must be positive, was 0",
                "externalInspectors.deny.onFailure: open needs the audit section",
                "externalInspectors.deny.approval: needs the approvals section",
                "externalInspectors.deny.approval.approverGroups: at least one group",
                "externalInspectors.deny.budgt: unknown key",
                "externalInspectors.deny.approval.approverGroup: unknown key",
                "externalInspectors.stray: not placed in the chain",
                "externalInspectors.stray.path: required with transport unix",
            })
            {
                Assert.That(lines.Count(l => l.StartsWith(expected, StringComparison.Ordinal)), Is.EqualTo(1), expected + " in:\n" + error);
            }
        });
    }

    [Test]
    public void Run_UnknownKeysAtEveryLevel_NamesEachPath()
    {
        var path = Write("typos.json", """
            { "listen": "127.0.0.1:7400", "auth": { "mode": "none", "issuerr": "x" }, "inspector": [ ],
              "pluginOptions": { "anything": { "goes": 1 } },
              "connections": { "e": { "transport": "stdio", "command": "node", "arg": [ "x" ], "env": { "A": { "valeu": "1" } } } } }
            """);

        var (exit, _, error) = Run(path);

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(ConfigCheckCommand.Invalid));
            Assert.That(error, Does.Contain("auth.issuerr: unknown key"));
            Assert.That(error, Does.Contain("connections.e.arg: unknown key"));
            Assert.That(error, Does.Contain("connections.e.env.A.valeu: unknown key"));
            Assert.That(error, Does.Not.Contain("pluginOptions"));
        });
    }

    [Test]
    public void Run_UnreadableJson_ExitsOneNamingTheLine()
    {
        var path = Write("syntax.json", "{\n  \"listen\": \"127.0.0.1:7400\",\n  \"auth\": { \"mode\": \"none\" \n");

        var (exit, _, error) = Run(path);

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(ConfigCheckCommand.Invalid));
            Assert.That(error, Does.Contain("syntax.json"));
            Assert.That(error, Does.Contain("line").IgnoreCase);
        });
    }

    [Test]
    public void Run_MissingFile_ExitsOne()
    {
        var (exit, _, error) = Run(Path.Combine(_directory, "absent.json"));

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(ConfigCheckCommand.Invalid));
            Assert.That(error, Does.Contain("does not exist"));
        });
    }

    [Test]
    public void Run_NoFileGiven_ExitsWithUsage()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = ConfigCheckCommand.Run([], output, error);

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(MainCommand.BadUsage));
            Assert.That(error.ToString(), Does.Contain("usage: mcpgw config check --config FILE"));
        });
    }

    [Test]
    public void Run_PluginInspectorNamedWithoutThePlugin_ReportsTheChain()
    {
        var config = new JsonObject
        {
            ["listen"] = "127.0.0.1:7400",
            ["auth"] = new JsonObject { ["mode"] = "none" },
            ["inspectors"] = new JsonArray("tool-call-quota", "authentication"),
            ["connections"] = new JsonObject { ["e"] = new JsonObject { ["transport"] = "stdio", ["command"] = "node" } },
        };
        var path = Write("chain.json", config.ToJsonString());

        var (exit, _, error) = Run(path);

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(ConfigCheckCommand.Invalid));
            Assert.That(error, Does.Contain("inspectors[0]: no inspector named 'tool-call-quota'"));
            Assert.That(error, Does.Contain("inspectors[1]: 'authentication' always runs at the Authentication end"));
        });
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Run_RecordingPlacedInTheChain_RefusedAsTheSessionsTerminalStage(bool audit)
    {
        var config = new JsonObject
        {
            ["listen"] = "127.0.0.1:7400",
            ["auth"] = new JsonObject { ["mode"] = "none" },
            ["inspectors"] = new JsonArray("recording"),
            ["connections"] = new JsonObject { ["e"] = new JsonObject { ["transport"] = "stdio", ["command"] = "node" } },
        };
        if (audit)
        {
            config["audit"] = new JsonObject { ["path"] = Path.Combine(_directory, "audit.db") };
        }

        var path = Write("recording-in-chain.json", config.ToJsonString());

        var (exit, _, error) = Run(path);

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(ConfigCheckCommand.Invalid));
            Assert.That(error, Does.Contain("inspectors[0]: 'recording' is not an inspector: recording is the session's terminal stage, it always runs after the chain"));
        });
    }

    private static (int Exit, string Output, string Error) Run(string path)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = ConfigCheckCommand.Run([path], output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private string Write(string name, string json)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, json);
        return path;
    }
}
