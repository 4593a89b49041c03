using System.Text.Json;
using System.Text.Json.Serialization;

namespace McpGateway.Inspectors.External;

/// <summary>The inspector's verdict on one frame (docs/inspector-protocol.md, "inspect").</summary>
internal sealed class InspectReply
{
    /// <summary><c>forward</c>, <c>reject</c>, <c>replace</c> or <c>hold</c>.</summary>
    [JsonPropertyName("verdict")]
    public string? Verdict { get; set; }

    /// <summary>reject: a snake_case reason the client sees in <c>error.data.reason</c>.</summary>
    [JsonPropertyName("reason")]
    public string? Reason { get; set; }

    /// <summary>replace: the whole new frame, a JSON-RPC message with the same envelope.</summary>
    [JsonPropertyName("frame")]
    public JsonElement? Frame { get; set; }
}
