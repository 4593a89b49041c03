namespace McpGateway.Core.Errors;

/// <summary>
/// A gateway outcome as data: the JSON-RPC code it maps to, a stable snake_case reason and, when a rule
/// decided it, the rule id. The message is fixed text and never echoes the offending input.
/// </summary>
public sealed record GatewayError(GatewayErrorCode Code, string Reason, string Message, string? Rule = null)
{
    /// <summary>Who decided, for a denied approval (<c>error.data.approver</c>).</summary>
    public string? Approver { get; init; }

    /// <summary>The approver's own words for a denial (<c>error.data.approverReason</c>): an approver's text, never the client's input.</summary>
    public string? ApproverReason { get; init; }

    /// <summary>The same outcome attributed to a rule.</summary>
    public GatewayError WithRule(string rule) => this with { Rule = rule };
}
