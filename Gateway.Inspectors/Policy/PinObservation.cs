namespace McpGateway.Inspectors.Policy;

/// <summary>What the pin store made of a tool definition an upstream listed.</summary>
internal enum PinObservation
{
    /// <summary>Pinning is off.</summary>
    NotPinned,

    /// <summary>First seen: pinned now.</summary>
    Pinned,

    /// <summary>Same definition as pinned.</summary>
    Unchanged,

    /// <summary>Differs from the pinned definition: hidden and refused until an operator approves it.</summary>
    Changed,
}
