using McpGateway.Core.Identity;

namespace McpGateway.WebConsole.Access;

/// <summary>Someone signed in to the console, and what the admin API's groups let them see.</summary>
/// <param name="Subject">The issuer's subject claim: what votes and audit reads name.</param>
/// <param name="Name">A display name (the <c>name</c> claim, else the subject).</param>
public sealed record ConsolePerson(string Subject, string Name, IReadOnlyList<string> Groups, bool IsApprover, bool IsAuditor)
{
    public bool SeesAnything => IsApprover || IsAuditor;

    /// <summary>As the approval desk takes an approver; a console sign-in has no bearer token, so there is no token hash.</summary>
    public GatewayIdentity Identity(string clientId, DateTimeOffset expiresAt) => new(Subject, clientId, Groups, expiresAt, "");
}
