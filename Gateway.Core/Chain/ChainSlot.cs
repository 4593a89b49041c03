namespace McpGateway.Core.Chain;

/// <summary>Where an inspector sits. Only the built-ins take the fixed ends; platform inspectors fill the middle.</summary>
internal enum ChainSlot
{
    /// <summary>Always first: nothing passes an unauthenticated or expired session.</summary>
    Authentication,

    /// <summary>Built-in policy enforcement, when a policy is configured: right after authentication, before the configured middle.</summary>
    Policy,

    /// <summary>Ordered by configuration.</summary>
    Middle,

    /// <summary>Built-in masking, when configured: after the configured middle, right before recording, so nothing later sees a secret.</summary>
    Masking,

    /// <summary>Always last: records what the other inspectors decided.</summary>
    Recording,
}
