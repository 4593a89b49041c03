using McpGateway.Core.Errors;

namespace McpGateway.Core.Identity;

/// <summary>Either an identity or the error the client gets.</summary>
internal readonly record struct AuthenticationOutcome(GatewayIdentity? Identity, GatewayError? Error)
{
    public static AuthenticationOutcome Success(GatewayIdentity identity) => new(identity, null);

    public static AuthenticationOutcome Failure(GatewayError error) => new(null, error);
}
