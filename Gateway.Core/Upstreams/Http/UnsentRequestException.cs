namespace McpGateway.Core.Upstreams.Http;

/// <summary>A request that failed before any of it left the gateway (connection refused, name not resolved): safe to retry.</summary>
internal sealed class UnsentRequestException : Exception
{
    public UnsentRequestException()
    {
    }

    public UnsentRequestException(string message)
        : base(message)
    {
    }

    public UnsentRequestException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
