using System.Collections.Frozen;
using McpGateway.Core.Errors;
using McpGateway.Core.Identity;

namespace McpGateway.Inspectors.Policy;

/// <summary>A validated rule. Connection, method and tool selectors live in the <see cref="CompiledPolicy"/> index; the rule checks the rest.</summary>
internal sealed class PolicyRule
{
    public required string Id { get; init; }

    public required PolicyAction Action { get; init; }

    /// <summary>Position in the configuration; among rules of the same action the first one names the decision.</summary>
    public required int Index { get; init; }

    public string? Reason { get; init; }

    public string? MaskProfile { get; init; }

    public FrozenSet<string>? Groups { get; init; }

    public FrozenSet<string>? Subjects { get; init; }

    public FrozenSet<string>? ClientIds { get; init; }

    public IReadOnlyList<string> Connections { get; init; } = [];

    public IReadOnlyList<string> Methods { get; init; } = [];

    public IReadOnlyList<string> Tools { get; init; } = [];

    public ArgumentMatcher[] Arguments { get; init; } = [];

    /// <summary>Approve rules: who decides, how many must approve, how long a call waits, the longest grant (zero: none).</summary>
    public ApprovalRequirement? Approval { get; init; }

    /// <summary>What the client gets when this rule refuses a call; null for allow.</summary>
    public GatewayError? Error { get; init; }

    public bool HasArguments => Arguments.Length > 0;

    public bool MatchesIdentity(GatewayIdentity identity)
    {
        if (Subjects is not null && !Subjects.Contains(identity.Subject))
        {
            return false;
        }

        if (ClientIds is not null && (identity.ClientId is null || !ClientIds.Contains(identity.ClientId)))
        {
            return false;
        }

        if (Groups is null)
        {
            return true;
        }

        // Indexed: foreach over the interface would box an enumerator on every call.
        var groups = identity.Groups;
        for (var i = 0; i < groups.Count; i++)
        {
            if (Groups.Contains(groups[i]))
            {
                return true;
            }
        }

        return false;
    }

    public override string ToString() => $"{Id} ({Action})";
}
