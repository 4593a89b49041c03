namespace McpGateway.Host.Bridge;

/// <summary>The gateway cannot be reached: the TCP connection or the TLS handshake failed.</summary>
internal sealed class GatewayUnreachableException : Exception
{
    public GatewayUnreachableException()
    {
    }

    public GatewayUnreachableException(string message)
        : base(message)
    {
    }

    public GatewayUnreachableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
