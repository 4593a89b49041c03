using Microsoft.Extensions.Logging;

namespace McpGateway.Inspectors.Authentication;

/// <summary>
/// Log messages of OIDC authentication, 5xxx. A token is never logged: at most the first characters of its hash.
/// </summary>
internal static partial class OidcLog
{
    [LoggerMessage(5000, LogLevel.Information, "OIDC issuer {Issuer}: {Count} signing keys loaded ({KeyIds})")]
    public static partial void KeysLoaded(ILogger logger, string issuer, int count, string keyIds);

    [LoggerMessage(5001, LogLevel.Warning, "OIDC issuer {Issuer}: discovery or JWKS from {Address} failed ({Error}); cached keys are {Age} old")]
    public static partial void RefreshFailed(ILogger logger, string issuer, string address, string error, string age);

    [LoggerMessage(5002, LogLevel.Information, "OIDC issuer {Issuer}: ready, authentication is on")]
    public static partial void Ready(ILogger logger, string issuer);

    [LoggerMessage(5003, LogLevel.Warning, "OIDC issuer {Issuer}: NOT READY, no usable signing keys; every authentication is refused (idp_unavailable) until they load, retrying in the background")]
    public static partial void NotReady(ILogger logger, string issuer);

    [LoggerMessage(5004, LogLevel.Debug, "OIDC token {TokenHash} accepted: subject {Subject}, client {ClientId}")]
    public static partial void TokenAccepted(ILogger logger, string tokenHash, string subject, string? clientId);

    [LoggerMessage(5005, LogLevel.Debug, "OIDC token {TokenHash} refused: {Reason}")]
    public static partial void TokenRefused(ILogger logger, string tokenHash, string reason);

    [LoggerMessage(5006, LogLevel.Information, "OIDC issuer {Issuer}: fetching discovery and JWKS on demand: {Why}")]
    public static partial void OnDemandRefresh(ILogger logger, string issuer, string why);

    [LoggerMessage(5007, LogLevel.Debug, "OIDC token {TokenHash} refused by the validator: {Error}")]
    public static partial void ValidatorRefused(ILogger logger, string tokenHash, string error);

    [LoggerMessage(5008, LogLevel.Warning, "OIDC token {TokenHash}: introspection at {Endpoint} failed ({Error}); refused as idp_unavailable until it answers")]
    public static partial void IntrospectionFailed(ILogger logger, string tokenHash, string endpoint, string error);

    [LoggerMessage(5009, LogLevel.Information, "OIDC token {TokenHash} is no longer active at the issuer (revoked): refused")]
    public static partial void TokenInactive(ILogger logger, string tokenHash);
}
