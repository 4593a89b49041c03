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
    /// A token presented at <paramref name="resource"/>, the URL of one connection at the front door as its RFC 9728
    /// metadata names it: besides the configured audiences, its <c>aud</c> may name that URL (what an identity provider
    /// that honours RFC 8707 issues to a client asking for it). Such a token holds only there. Null: the configured
    /// audiences alone. An authenticator that checks no audience ignores it.
    /// </summary>
    ValueTask<AuthenticationOutcome> AuthenticateAsync(string token, string? resource, CancellationToken cancellationToken) =>
        AuthenticateAsync(token, cancellationToken);

    /// <summary>
    /// Whether a running session's identity still holds beyond its expiry (e.g. its token was not revoked since); null
    /// when it does. Asked before each of the session's requests, so an answer should come from a cache.
    /// </summary>
    ValueTask<GatewayError?> RecheckAsync(GatewayIdentity identity, CancellationToken cancellationToken) => ValueTask.FromResult<GatewayError?>(null);
}
