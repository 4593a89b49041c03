using Microsoft.AspNetCore.Authorization;

namespace McpGateway.WebConsole.Access;

/// <summary>An authorization requirement: the signed-in person holds <see cref="Role"/>.</summary>
internal sealed record ConsoleRequirement(ConsoleRole Role) : IAuthorizationRequirement
{
    public const string Any = "console-any";
    public const string Approver = "console-approver";
    public const string Auditor = "console-auditor";
}
