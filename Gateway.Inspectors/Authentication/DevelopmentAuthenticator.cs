using McpGateway.Core.Errors;
using McpGateway.Core.Identity;

namespace McpGateway.Inspectors.Authentication;

/// <summary>
/// <c>auth: none</c>. Development only: any non-empty token is accepted and the session acts for the
/// subject <c>anonymous</c>. The gateway logs a warning at start whenever this mode is on.
/// </summary>
internal sealed class DevelopmentAuthenticator(TimeProvider timeProvider) : IGatewayAuthenticator
{
    public const int MaxTokenLength = 16 * 1024;
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);

    public string Mode => "none (development)";

    public ValueTask<AuthenticationOutcome> AuthenticateAsync(string token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength)
        {
            return ValueTask.FromResult(AuthenticationOutcome.Failure(GatewayErrors.InvalidToken));
        }

        var identity = new GatewayIdentity("anonymous", null, [], timeProvider.GetUtcNow() + Lifetime, TokenHash.Of(token));
        return ValueTask.FromResult(AuthenticationOutcome.Success(identity));
    }
}
