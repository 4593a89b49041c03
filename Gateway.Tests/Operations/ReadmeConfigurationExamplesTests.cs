using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using McpGateway.Host.Commands;
using McpGateway.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace McpGateway.Tests.Operations;

/// <summary>
/// Every gateway configuration shown in README.md, read out of the README itself: a whole file, or a section shown on
/// its own (<c>"audit": { … }</c>), which is checked inside a minimal file. Each must fit the JSON Schema and have no
/// key the gateway would ignore, so that a user who copies it gets what the README says. What depends on the reader's
/// machine (certificate files, secrets in environment variables, an IdP) is not part of an example's shape and is left
/// to <c>config check</c> on their own file. Client configurations (<c>mcpServers</c>, <c>servers</c>) and protocol
/// messages in the README are not gateway configurations and are skipped by their keys.
/// </summary>
[TestFixture]
internal sealed partial class ReadmeConfigurationExamplesTests
{
    private static readonly JsonObject MinimalFile = new()
    {
        ["listen"] = "127.0.0.1:7400",
        ["auth"] = new JsonObject { ["mode"] = "none" },
        ["connections"] = new JsonObject
        {
            ["everything"] = new JsonObject { ["transport"] = "stdio", ["command"] = "node", ["args"] = new JsonArray("server.js") },
        },
    };

    private static readonly Lazy<HashSet<string>> TopLevelKeys = new(() =>
    [
        .. JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "schema", "gateway.schema.json")))!["properties"]!.AsObject().Select(p => p.Key),
    ]);

    public static IEnumerable<TestCaseData> Examples()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        foreach (Match block in JsonBlock().Matches(readme))
        {
            var text = block.Groups["body"].Value;
            if (Parse(text) is not { } example || !example.Select(p => p.Key).All(TopLevelKeys.Value.Contains))
            {
                continue;
            }

            var line = readme.AsSpan(0, block.Index).Count('\n') + 2;
            var complete = example.ContainsKey("listen") && example.ContainsKey("auth") && example.ContainsKey("connections");
            var file = complete ? example : Merge(example);
            yield return new TestCaseData(file.ToJsonString()).SetArgDisplayNames($"README.md line {line}: {string.Join(", ", example.Select(p => p.Key))}");
        }
    }

    [Test]
    public void Readme_ConfigurationExamples_AreFound()
    {
        Assert.That(Examples().Count(), Is.GreaterThanOrEqualTo(8), "the README shows a configuration in each of its main sections");
    }

    [TestCaseSource(nameof(Examples))]
    public void Example_FromReadme_FitsTheSchemaWithNoIgnoredKey(string file)
    {
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(file))).Build();

        Assert.Multiple(() =>
        {
            Assert.That(ConfigurationSchemaCheck.Errors(file), Is.Empty, file);
            Assert.That(ConfigurationKeyCheck.UnknownKeys(configuration), Is.Empty, file);
        });
    }

    /// <summary>A whole file (<c>{ … }</c>) or members shown on their own (<c>"audit": { … }</c>); null for anything else.</summary>
    private static JsonObject? Parse(string text)
    {
        var options = new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };
        foreach (var candidate in new[] { text, "{" + text + "}" })
        {
            try
            {
                return JsonNode.Parse(candidate, documentOptions: options) as JsonObject;
            }
            catch (JsonException)
            {
                // Not this form; try the next.
            }
        }

        return null;
    }

    private static JsonObject Merge(JsonObject section)
    {
        var file = MinimalFile.DeepClone().AsObject();
        foreach (var (key, value) in section)
        {
            file[key] = value?.DeepClone();
        }

        return file;
    }

    [GeneratedRegex("```json\\n(?<body>.*?)```", RegexOptions.Singleline)]
    private static partial Regex JsonBlock();
}
