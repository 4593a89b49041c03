using System.Globalization;
using System.Text.Json.Nodes;
using McpGateway.Tests.Infrastructure;

namespace McpGateway.Tests.EndToEnd.FrontDoor;

/// <summary>
/// Runs the TypeScript SDK's unmodified <c>StreamableHTTPClientTransport</c> (peers/ts-http-client.mjs) through one
/// scenario and returns its JSON lines (one per step, then <c>done</c>).
/// </summary>
internal static class TypeScriptHttpClient
{
    private static readonly TimeSpan _runTimeout = TimeSpan.FromSeconds(25);

    public static async Task<List<JsonObject>> RunAsync(Uri url, string token, string scenario, CancellationToken cancellationToken)
    {
        await using var client = ChildProcess.Start(
            "node",
            [
                Path.Combine(RepoPaths.Peers, "ts-http-client.mjs"),
                "--url", url.ToString(),
                "--token", token,
                "--scenario", scenario,
                "--timeout-ms", ((int)_runTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
            ],
            workingDirectory: RepoPaths.Peers);
        await client.WaitForExitAsync(cancellationToken);

        Assert.That(client.ExitCode, Is.Zero, client.Describe());
        return [.. client.OutputLines.Select(line => JsonNode.Parse(line)!.AsObject())];
    }

    public static Dictionary<string, JsonObject> Steps(IEnumerable<JsonObject> lines) =>
        lines.Where(l => l.ContainsKey("step")).ToDictionary(l => l["step"]!.GetValue<string>(), l => l);

    public static string? FirstText(JsonObject step) => step["result"]?["content"]?[0]?["text"]?.GetValue<string>();
}
