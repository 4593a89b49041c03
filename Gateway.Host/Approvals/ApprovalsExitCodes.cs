namespace McpGateway.Host.Approvals;

/// <summary>The exit codes of <c>mcpgw approvals</c>, as its usage text and the README list them.</summary>
internal static class ApprovalsExitCodes
{
    public const int Ok = 0;

    /// <summary>The desk refused the vote: self-approval, not an approver of this rule, already voted, no longer pending, grant not allowed.</summary>
    public const int Refused = 1;

    /// <summary>Wrong arguments, or a request the admin API called malformed.</summary>
    public const int Usage = 2;

    /// <summary>No approval request has this id.</summary>
    public const int NotFound = 3;

    /// <summary>No token could be read, or the admin API refused it (401, or 403: not in any approver group).</summary>
    public const int AuthFailed = 4;

    /// <summary>The admin API could not be reached, or did not answer in time.</summary>
    public const int Unreachable = 5;

    /// <summary>The admin API answered with something else (a 5xx, a body that is not the API's JSON).</summary>
    public const int UnexpectedResponse = 6;
}
