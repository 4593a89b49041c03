namespace McpGateway.Inspectors.External;

/// <summary>Why an inspector gave no usable verdict on a frame.</summary>
internal enum InspectorFailure
{
    /// <summary>Not running, not connected, or it went away while the frame was with it.</summary>
    Unavailable,

    /// <summary>No verdict within the budget.</summary>
    Timeout,

    /// <summary>All its slots stayed taken for the whole budget.</summary>
    Busy,

    /// <summary>It answered with something that is not a verdict, or with a JSON-RPC error.</summary>
    ProtocolError,
}
