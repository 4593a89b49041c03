using System.Text.Json;

namespace McpGateway.Inspectors.Policy;

/// <summary>What one evaluation found so far, and the call's arguments once they had to be read.</summary>
internal struct PolicyEvaluationState
{
    public PolicyRule? Best;
    public bool ArgumentsRead;
    public bool HasArguments;
    public JsonDocument? Document;
    public JsonElement Arguments;
}
