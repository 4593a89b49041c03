using System.Text.Json.Nodes;

namespace McpGateway.Tests.EndToEnd.Hostile;

/// <summary>A frame that breaks the parsing rule, and the error the wire contract promises for it.</summary>
internal sealed record HostileCase(string Name, byte[] Frame, int Code, string Reason, JsonNode? Id)
{
    public override string ToString() => Name;
}
