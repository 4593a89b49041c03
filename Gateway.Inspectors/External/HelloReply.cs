using System.Text.Json.Serialization;

namespace McpGateway.Inspectors.External;

/// <summary>The inspector's answer to <c>hello</c>: what it wants to see and what it needs (docs/inspector-protocol.md).</summary>
internal sealed class HelloReply
{
    [JsonPropertyName("protocolVersion")]
    public int ProtocolVersion { get; set; }

    /// <summary><c>clientToUpstream</c>, <c>upstreamToClient</c>.</summary>
    [JsonPropertyName("directions")]
    public List<string>? Directions { get; set; }

    /// <summary>Method names, or <c>*</c> for every method.</summary>
    [JsonPropertyName("methods")]
    public List<string>? Methods { get; set; }

    /// <summary><c>request</c>, <c>notification</c>, <c>response</c>, <c>error</c>; absent: all four.</summary>
    [JsonPropertyName("kinds")]
    public List<string>? Kinds { get; set; }

    /// <summary>The per-frame budget the inspector asks for; the configured budget caps it.</summary>
    [JsonPropertyName("budgetMs")]
    public double? BudgetMs { get; set; }

    /// <summary>Frames it takes at once; the configured limit caps it.</summary>
    [JsonPropertyName("maxConcurrency")]
    public int? MaxConcurrency { get; set; }
}
