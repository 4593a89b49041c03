namespace McpGateway.Core.Errors;

/// <summary>
/// A gateway outcome as data: the JSON-RPC code it maps to, a stable snake_case reason and, when a rule
/// decided it, the rule id. The message is fixed text and never echoes the offending input.
/// </summary>
public sealed record GatewayError(GatewayErrorCode Code, string Reason, string Message, string? Rule = null)
{
    /// <summary>The same outcome attributed to a rule.</summary>
    public GatewayError WithRule(string rule) => this with { Rule = rule };
}
