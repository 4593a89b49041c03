namespace McpGateway.Core.Identity;

/// <summary>Who a session acts for, as proven by its token. The token itself is never kept: only a hash of it.</summary>
public sealed record GatewayIdentity(
    string Subject,
    string? ClientId,
    IReadOnlyList<string> Groups,
    DateTimeOffset ExpiresAt,
    string TokenHash)
{
    public bool IsExpired(DateTimeOffset now) => now >= ExpiresAt;
}
