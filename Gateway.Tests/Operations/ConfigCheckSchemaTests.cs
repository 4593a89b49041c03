using McpGateway.Host.Commands;

namespace McpGateway.Tests.Operations;

/// <summary>
/// <c>mcpgw config check</c> against the project's JSON Schema and the machine: values of the wrong type reported all at
/// once with their paths (where the binder used to stop at the first), keys in any case accepted as the gateway accepts
/// them, and stdio commands that cannot be started.
/// </summary>
[TestFixture]
internal sealed class ConfigCheckSchemaTests
{
    private string _directory = null!;

    [OneTimeSetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("mcpgw-schema-").FullName;

    [OneTimeTearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void Run_ValuesOfTheWrongType_ReportsEveryOneWithItsPath()
    {
        var path = Write("types.json", """
            {
              "listen": "127.0.0.1:7400",
              "auth": { "mode": "none" },
              "limits": { "maxDepth": "sixty-four" },
              "connections": {
                "api": { "transport": "stdio", "command": "node", "args": "server.js stdio", "requestTimeout": 300 },
                "db": { "transport": "tcp", "host": "127.0.0.1", "port": "abc" }
              }
            }
            """);

        var (exit, _, error) = Run(path);

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(ConfigCheckCommand.Invalid));
            Assert.That(error, Does.Contain("  limits.maxDepth: Value is \"string\" but should be \"integer\""));
            Assert.That(error, Does.Contain("  connections.api.args: Value is \"string\" but should be \"array\""));
            Assert.That(error, Does.Contain("  connections.api.requestTimeout: Value is \"integer\" but should be \"string\""));
            Assert.That(error, Does.Contain("  connections.db.port: Value is \"string\" but should be \"integer\""));
            Assert.That(error, Does.Not.Contain("at least one upstream connection"), "the connections are there, only mistyped");
            Assert.That(error, Does.Not.Contain("Failed to convert"), "the binder's first-error message is covered by the schema's");
        });
    }

    [Test]
    public void Run_WrongShapes_ReportsEnumPatternAndUnknownKeyByPath()
    {
        var path = Write("shapes.json", """
            {
              "listen": "127.0.0.1:7400",
              "auth": { "mode": "none" },
              "logging": { "format": "xml" },
              "connections": {
                "api": { "transport": "stdio", "command": "node", "connectTimeout": "ten seconds", "colour": "blue" }
              }
            }
            """);

        var (exit, _, error) = Run(path);

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(ConfigCheckCommand.Invalid));
            Assert.That(error, Does.Contain("  logging.format: "));
            Assert.That(error, Does.Contain("  connections.api.connectTimeout: "));
            Assert.That(error, Does.Contain("  connections.api: unknown key").Or.Contain("  connections.api.colour: unknown key"));
        });
    }

    [Test]
    public void Run_KeysInAnotherCase_ValidAsTheGatewayMatchesKeysIgnoringCase()
    {
        var path = Write("case.json", """
            { "Listen": "127.0.0.1:7400", "AUTH": { "Mode": "none" },
              "Connections": { "everything": { "Transport": "stdio", "Command": "node", "Args": [ "server.js" ] } } }
            """);

        var (exit, output, error) = Run(path);

        Assert.That(exit, Is.Zero, error);
        Assert.That(output, Does.Contain("valid"));
    }

    [Test]
    public void Run_StdioCommandNotOnPath_ReportsItWithThePathSearched()
    {
        var path = Write("missing-command.json", """
            { "listen": "127.0.0.1:7400", "auth": { "mode": "none" },
              "connections": { "everything": { "transport": "stdio", "command": "mcpgw-no-such-server" } } }
            """);

        var (exit, _, error) = Run(path);

        Assert.That(exit, Is.EqualTo(ConfigCheckCommand.Invalid));
        Assert.That(error, Does.Contain("  connections.everything.command: 'mcpgw-no-such-server' was not found on PATH ("));
    }

    [Test]
    public void Run_RelativeCommandMissing_ReportsItResolvedAgainstTheFilesFolder()
    {
        var path = Write("relative-command.json", """
            { "listen": "127.0.0.1:7400", "auth": { "mode": "none" },
              "connections": { "local": { "transport": "stdio", "command": "./bin/server" } } }
            """);

        var (exit, _, error) = Run(path);

        Assert.That(exit, Is.EqualTo(ConfigCheckCommand.Invalid));
        Assert.That(error, Does.Contain($"  connections.local.command: '{Path.Combine(_directory, "bin", "server")}' does not exist or is not executable"));
    }

    [Test]
    public void Run_StdioCommandMissingInAnOtherwiseBrokenFile_ReportedWithTheOtherMistakes()
    {
        var path = Write("broken-and-missing.json", """
            { "listen": "127.0.0.1:7400", "auth": { "mode": "none" }, "limits": { "maxDepth": "deep" },
              "connections": { "everything": { "transport": "stdio", "command": "mcpgw-no-such-server" } } }
            """);

        var (_, _, error) = Run(path);

        Assert.That(error, Does.Contain("  limits.maxDepth: "));
        Assert.That(error, Does.Contain("  connections.everything.command: 'mcpgw-no-such-server' was not found on PATH"));
    }

    [Test]
    public void Run_ConfigOption_SameAsTheFileAlone()
    {
        var path = Write("option.json", """
            { "listen": "localhost:7400", "auth": { "mode": "none" },
              "connections": { "everything": { "transport": "stdio", "command": "node" } } }
            """);
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = ConfigCheckCommand.Run(["--config", path], output, error);

        Assert.That(exit, Is.Zero, error.ToString());
        Assert.That(output.ToString(), Does.Contain("listen 127.0.0.1:7400"));
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
