namespace McpGateway.Host.Bridge;

/// <summary>Gets a fresh access token each time it is asked (at start and at every renewal).</summary>
internal interface ITokenSource
{
    /// <summary>What the source is, for logs: never the token or a secret.</summary>
    string Description { get; }

    /// <exception cref="TokenUnavailableException">No token could be had; the message says why, without secrets.</exception>
    Task<string> GetTokenAsync(CancellationToken cancellationToken);
}
