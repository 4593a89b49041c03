namespace McpGateway.Core.Identity;

/// <summary>Turns the token of <c>mcpgateway/authenticate</c> into an identity, or says why not.</summary>
public interface IGatewayAuthenticator
{
    /// <summary>A short name for logs and <c>Describe()</c>, e.g. <c>oidc</c> or <c>none (development)</c>.</summary>
    string Mode { get; }

    ValueTask<AuthenticationOutcome> AuthenticateAsync(string token, CancellationToken cancellationToken);
}
