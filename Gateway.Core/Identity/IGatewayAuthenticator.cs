using McpGateway.Core.Errors;

namespace McpGateway.Core.Identity;

/// <summary>Turns the token of <c>mcpgateway/authenticate</c> into an identity, or says why not.</summary>
internal interface IGatewayAuthenticator
{
    /// <summary>A short name for logs and <c>Describe()</c>, e.g. <c>oidc</c> or <c>none (development)</c>.</summary>
    string Mode { get; }

    /// <summary>
    /// False while the authenticator cannot accept anyone (e.g. no usable keys from the identity provider); the gateway
    /// keeps listening and refuses authentications until it is ready again.
    /// </summary>
    bool IsReady => true;

    ValueTask<AuthenticationOutcome> AuthenticateAsync(string token, CancellationToken cancellationToken);

    /// <summary>
    /// Whether a running session's identity still holds beyond its expiry (e.g. its token was not revoked since); null
    /// when it does. Asked before each of the session's requests, so an answer should come from a cache.
    /// </summary>
    ValueTask<GatewayError?> RecheckAsync(GatewayIdentity identity, CancellationToken cancellationToken) => ValueTask.FromResult<GatewayError?>(null);
}
