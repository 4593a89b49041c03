using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using McpGateway.Tests.EndToEnd.Protocol;
using McpGateway.Tests.Infrastructure;
using McpGateway.Tests.Install;

namespace McpGateway.Tests.Operations;

/// <summary>
/// The README's quick start, done as a reader would: its configuration saved as <c>gateway.json</c> in a folder where
/// server-everything is installed, <c>config check</c> and <c>serve</c> run from that folder, and its client
/// configuration's command launched by the official TypeScript SDK's stdio transport, as Claude Desktop does. Only the
/// listen port changes (a free one) and <c>mcpgw</c> becomes the built program; everything else is the README's text.
/// </summary>
[TestFixture]
internal sealed partial class ReadmeQuickStartTests
{
    private const int MaxLines = 40;

    private static string QuickStart()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var section = QuickStartSection().Match(readme);
        Assert.That(section.Success, Is.True, "README.md has a '## Quick start' section followed by another '## ' section");
        return section.Groups["body"].Value;
    }

    private static List<JsonObject> JsonBlocks(string text) =>
        [.. JsonBlock().Matches(text).Select(m => JsonNode.Parse(m.Groups["body"].Value)!.AsObject())];

    [Test]
    public void QuickStart_FitsInFortyLines()
    {
        var lines = QuickStart().Trim('\n').Split('\n').Length;

        Assert.That(lines, Is.LessThanOrEqualTo(MaxLines), "issue #17: a quick start of at most 40 lines");
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task QuickStart_ConfigurationServesAndTheClientConfigurationCallsATool(CancellationToken cancellationToken)
    {
        var blocks = JsonBlocks(QuickStart());
        Assert.That(blocks, Has.Count.EqualTo(2), "the quick start shows the gateway's configuration, then a client's");
        var (configuration, client) = (blocks[0], blocks[1]);

        NodePeers.EnsureInstalled();
        var folder = Directory.CreateTempSubdirectory("mcpgw-quickstart-").FullName;
        try
        {
            // `npm install @modelcontextprotocol/server-everything` in the folder, from the peers already installed.
            Directory.CreateSymbolicLink(Path.Combine(folder, "node_modules"), RepoPaths.NodeModules);
            configuration["listen"] = "127.0.0.1:0";
            File.WriteAllText(Path.Combine(folder, "gateway.json"), configuration.ToJsonString());

            await using (var check = ChildProcess.Start("dotnet", [BuildOutputs.GatewayHostDll, "config", "check", "--config", "gateway.json"], workingDirectory: folder))
            {
                await check.WaitForExitAsync(cancellationToken);
                Assert.That(check.ExitCode, Is.Zero, check.Describe());
            }

            await using var gateway = ChildProcess.Start("dotnet", [BuildOutputs.GatewayHostDll, "serve", "--config", "gateway.json"], workingDirectory: folder);
            var port = await InstalledGateway.WaitUntilListeningAsync(gateway, cancellationToken);

            var server = client["mcpServers"]!.AsObject().Single().Value!;
            Assert.That(server["command"]!.GetValue<string>(), Is.EqualTo("mcpgw"));
            var arguments = server["args"]!.AsArray().Select(a => a!.GetValue<string>())
                .Select(a => a == "127.0.0.1:7400" ? string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port}") : a);
            await using var sdkClient = ChildProcess.Start("node", [
                Path.Combine(RepoPaths.Peers, "ts-stdio-client.mjs"), "--message", "quick start", "--",
                "dotnet", BuildOutputs.GatewayHostDll, .. arguments], workingDirectory: folder);
            await sdkClient.WaitForExitAsync(cancellationToken);

            Assert.That(sdkClient.ExitCode, Is.Zero, sdkClient.Describe() + "\n--- gateway ---\n" + gateway.Describe());
            var result = JsonNode.Parse(sdkClient.OutputLines[^1])!;
            Assert.That(result["text"]?.GetValue<string>(), Is.EqualTo("Echo: quick start"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [GeneratedRegex(@"^## Quick start\n(?<body>.*?)\n## ", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex QuickStartSection();

    [GeneratedRegex(@"^```json\n(?<body>.*?)^```", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex JsonBlock();
}
