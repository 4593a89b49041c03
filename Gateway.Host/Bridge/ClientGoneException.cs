namespace McpGateway.Host.Bridge;

/// <summary>Writing to the MCP client's stdin (the bridge's stdout) failed: the client is gone.</summary>
internal sealed class ClientGoneException : IOException
{
    public ClientGoneException()
    {
    }

    public ClientGoneException(string message)
        : base(message)
    {
    }

    public ClientGoneException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ClientGoneException(Exception innerException)
        : base("the MCP client closed its end of the bridge's stdout", innerException)
    {
    }
}
