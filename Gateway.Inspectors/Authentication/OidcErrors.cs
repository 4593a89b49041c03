using McpGateway.Core.Errors;

namespace McpGateway.Inspectors.Authentication;

/// <summary>
/// Why an OIDC token was refused at <c>mcpgateway/authenticate</c>: all -31001, each with its own reason. An expired token
/// here is -31001 <c>token_expired</c>; -31002 is only for a session whose token expires while it runs.
/// </summary>
internal static class OidcErrors
{
    public static readonly GatewayError TokenTooLarge = Unauthenticated("token_too_large", "the token exceeds the size limit");
    public static readonly GatewayError MalformedToken = Unauthenticated("malformed_token", "the token is not a signed JWT");
    public static readonly GatewayError AlgorithmNotAllowed = Unauthenticated("algorithm_not_allowed", "the token's algorithm is not allowed");
    public static readonly GatewayError ForbiddenHeader = Unauthenticated("forbidden_header", "the token's header has a member the gateway refuses");
    public static readonly GatewayError InvalidSignature = Unauthenticated("invalid_signature", "the token's signature does not verify with the issuer's keys");
    public static readonly GatewayError WrongIssuer = Unauthenticated("wrong_issuer", "the token is from another issuer");
    public static readonly GatewayError WrongAudience = Unauthenticated("wrong_audience", "the token is for another audience");
    public static readonly GatewayError TokenExpired = Unauthenticated("token_expired", "the token has expired");
    public static readonly GatewayError TokenNotYetValid = Unauthenticated("token_not_yet_valid", "the token is not valid yet");
    public static readonly GatewayError TokenIssuedInFuture = Unauthenticated("token_issued_in_future", "the token's iat is in the future");
    public static readonly GatewayError TokenLifetimeTooLong = Unauthenticated("token_lifetime_too_long", "the token's lifetime exceeds the gateway's limit");
    public static readonly GatewayError GroupsOverage = Unauthenticated("groups_overage", "the token's groups did not fit in it; the gateway does not guess them");
    public static readonly GatewayError TokenRevoked = Unauthenticated("token_revoked", "the issuer says the token is no longer active");
    public static readonly GatewayError IdpUnavailable = Unauthenticated("idp_unavailable", "the identity provider's keys are unavailable; try again later");

    private static GatewayError Unauthenticated(string reason, string what) => new(GatewayErrorCode.Unauthenticated, reason, "Unauthenticated: " + what);
}
