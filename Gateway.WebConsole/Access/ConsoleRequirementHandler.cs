using Microsoft.AspNetCore.Authorization;

namespace McpGateway.WebConsole.Access;

/// <summary>Decides <see cref="ConsoleRequirement"/> from the groups in the sign-in, against the policy as it is now.</summary>
internal sealed class ConsoleRequirementHandler(ConsoleAccess access) : AuthorizationHandler<ConsoleRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ConsoleRequirement requirement)
    {
        if (access.Person(context.User) is { } person && requirement.Role switch
        {
            ConsoleRole.Approver => person.IsApprover,
            ConsoleRole.Auditor => person.IsAuditor,
            _ => person.SeesAnything,
        })
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
