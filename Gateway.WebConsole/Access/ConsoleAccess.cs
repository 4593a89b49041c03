using McpGateway.Inspectors.Approval;
using System.Security.Claims;
using McpGateway.Core.Configuration;
using McpGateway.Inspectors.Policy;

namespace McpGateway.WebConsole.Access;

/// <summary>
/// Who sees what, by the same groups as the admin API: members of any group that may decide some held call (an approve
/// rule's in the policy as it is now, or an out-of-process inspector's <c>approval</c>) are approvers, members of <c>audit.auditorGroups</c> auditors; everyone else sees nothing.
/// </summary>
internal sealed class ConsoleAccess(GatewaySettings settings, PolicyMonitor? policy = null, IEnumerable<IApproverGroupSource>? sources = null)
{
    private readonly ApproverGroups _approvers = new(settings, policy, sources ?? []);
    private readonly string _subjectClaim = settings.Oidc?.SubjectClaim ?? OidcSettings.DefaultSubjectClaim;
    private readonly string _groupsClaim = settings.Oidc?.GroupsClaim ?? OidcSettings.DefaultGroupsClaim;

    public HashSet<string> ApproverGroups() => _approvers.Current();

    public IReadOnlyList<string> AuditorGroups => settings.Audit?.AuditorGroups ?? [];

    /// <summary>The person behind a console cookie, or null when not signed in.</summary>
    public ConsolePerson? Person(ClaimsPrincipal? user)
    {
        if (user?.Identity?.IsAuthenticated != true || user.FindFirst(_subjectClaim)?.Value is not { Length: > 0 } subject)
        {
            return null;
        }

        // An array claim arrives as one claim per element; a space-separated string as one claim.
        List<string> groups = [.. user.FindAll(_groupsClaim)
            .SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.Ordinal)];
        var approverGroups = ApproverGroups();
        return new ConsolePerson(
            subject,
            user.FindFirst("name")?.Value is { Length: > 0 } name ? name : subject,
            groups,
            IsApprover: settings.Approvals is not null && groups.Any(approverGroups.Contains),
            IsAuditor: settings.Audit is not null && groups.Any(AuditorGroups.Contains));
    }
}
