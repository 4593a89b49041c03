namespace McpGateway.Inspectors.Policy;

/// <summary>What a rule decides. The numeric order is the precedence: block overrides approve, approve overrides allow.</summary>
internal enum PolicyAction
{
    Allow = 0,
    Approve = 1,
    Block = 2,
}
