namespace McpGateway.Core.Chain;

/// <summary>
/// Where an inspector sits. Only the built-ins take the fixed ends; platform inspectors fill the middle. Recording is no
/// slot: it is the session's terminal stage, after the chain, and sees every outcome the chain (or the gateway) reaches.
/// </summary>
internal enum ChainSlot
{
    /// <summary>Always first: nothing passes an unauthenticated or expired session.</summary>
    Authentication,

    /// <summary>Built-in policy enforcement, when a policy is configured: right after authentication, before the configured middle.</summary>
    Policy,

    /// <summary>Ordered by configuration.</summary>
    Middle,

    /// <summary>
    /// Built-in masking, when configured: last, after the configured middle, so that what leaves the chain (and is
    /// recorded by the session once the chain has run) holds no secret it detects.
    /// </summary>
    Masking,
}
