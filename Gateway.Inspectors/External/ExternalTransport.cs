namespace McpGateway.Inspectors.External;

/// <summary>How the gateway reaches an out-of-process inspector.</summary>
internal enum ExternalTransport
{
    /// <summary>A process the gateway starts and supervises; JSON-RPC over its stdin and stdout.</summary>
    Stdio,

    /// <summary>A running service on a TCP port.</summary>
    Tcp,

    /// <summary>A running service on a Unix domain socket.</summary>
    Unix,
}
