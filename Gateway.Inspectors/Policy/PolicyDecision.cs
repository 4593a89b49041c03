using McpGateway.Core.Errors;

namespace McpGateway.Inspectors.Policy;

/// <summary>The outcome of evaluating a policy for one call: the action, the rule that decided it (null for the default) and, unless allowed, the error to return.</summary>
internal readonly record struct PolicyDecision(PolicyAction Action, PolicyRule? Rule, GatewayError? Error)
{
    public bool IsAllowed => Action == PolicyAction.Allow;

    public string? RuleId => Rule?.Id;
}
