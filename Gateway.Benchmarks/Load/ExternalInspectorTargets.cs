namespace McpGateway.Benchmarks.Load;

/// <summary>
/// The gateway targets with an out-of-process inspector (passthrough-inspector.mjs over stdio, started by the gateway):
/// <c>gateway-extproc</c> asks for <c>tools/call</c>, so every request of the load crosses to it and back;
/// <c>gateway-extproc-idle</c> asks for a method the load never sends, so no frame crosses (the cost of frames it did
/// not ask for). Compare both with <c>gateway</c> in the same run.
/// </summary>
internal static class ExternalInspectorTargets
{
    public const string Inspected = "gateway-extproc";

    public const string NotAsked = "gateway-extproc-idle";

    public static readonly IReadOnlyList<string> All = [Inspected, NotAsked];

    public const string Note = "gateway-extproc: the same gateway with an out-of-process inspector (`externalInspectors`, transport stdio, budget 1 s, "
        + "maxConcurrency 4096: a Node pass-through that answers every inspect call with forward) asking for `tools/call` requests: every request "
        + "crosses to it and back. gateway-extproc-idle: the same, but the inspector asks for `resources/read`, which the load never sends: no frame "
        + "crosses. Relay CPU counts the gateway process only (the inspector is its own process).";

    /// <summary>The configuration members that add the inspector.</summary>
    public static IReadOnlyDictionary<string, object> Settings(string target)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Load", "passthrough-inspector.mjs");
        return new Dictionary<string, object>
        {
            ["inspectors"] = new[] { "passthrough" },
            ["externalInspectors"] = new Dictionary<string, object>
            {
                ["passthrough"] = new Dictionary<string, object>
                {
                    ["transport"] = "stdio",
                    ["command"] = "node",
                    ["args"] = new[] { script, target == Inspected ? "tools/call" : "resources/read" },
                    ["budget"] = "00:00:01",
                    ["maxConcurrency"] = 4096,
                },
            },
        };
    }
}
