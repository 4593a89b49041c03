using System.Collections.Concurrent;
using McpGateway.Core.Errors;
using McpGateway.Core.Identity;

namespace McpGateway.Tests.Bridge;

/// <summary>
/// Development-style authentication (any non-empty token, one subject) that records each token it is shown and
/// issues identities of a chosen lifetime, so that a test can see renewals and make the first token expire quickly.
/// </summary>
internal sealed class RecordingAuthenticator(TimeSpan lifetime) : IGatewayAuthenticator
{
    public ConcurrentQueue<string> Tokens { get; } = new();

    public string Mode => "recording (test)";

    public ValueTask<AuthenticationOutcome> AuthenticateAsync(string token, CancellationToken cancellationToken)
    {
        Tokens.Enqueue(token);
        var identity = new GatewayIdentity("bridge-agent", null, [], DateTimeOffset.UtcNow + lifetime, "test:" + Tokens.Count);
        return ValueTask.FromResult(string.IsNullOrEmpty(token) ? AuthenticationOutcome.Failure(GatewayErrors.InvalidToken) : AuthenticationOutcome.Success(identity));
    }
}
