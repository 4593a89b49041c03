namespace McpGateway.Tests.Upstreams;

/// <summary>One request as <see cref="ScriptedHttpUpstream"/> received it.</summary>
internal sealed record SeenRequest(string Method, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
