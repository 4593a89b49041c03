namespace McpGateway.Core.Policy;

/// <summary>One rule of the <c>policy</c> section.</summary>
public sealed class PolicyRuleOptions
{
    /// <summary>Unique, non-empty; returned as <c>error.data.rule</c> when the rule refuses a call.</summary>
    public string? Id { get; set; }

    /// <summary><c>allow</c>, <c>block</c> or <c>approve</c>.</summary>
    public string? Action { get; set; }

    /// <summary>The masking profile the masking inspector applies to calls this rule matched.</summary>
    public string? MaskProfile { get; set; }

    /// <summary>Free text for operators; never sent to the client.</summary>
    public string? Reason { get; set; }

    public PolicyMatchOptions Match { get; set; } = new();
}
