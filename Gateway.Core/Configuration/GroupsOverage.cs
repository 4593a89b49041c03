namespace McpGateway.Core.Configuration;

/// <summary>
/// What a token that says its groups did not fit (Entra ID's <c>_claim_names</c>/<c>_claim_sources</c> naming the groups
/// claim, or <c>hasgroups: true</c>) stands for: the groups it carries inline are not all of its groups.
/// </summary>
internal enum GroupsOverage
{
    /// <summary>Refused with reason <c>groups_overage</c>: mapping an identity by groups it may not show would be a guess.</summary>
    Refuse,

    /// <summary>Accepted with the groups the token carries inline (often none); only subject-based access can admit it.</summary>
    Ignore,
}
