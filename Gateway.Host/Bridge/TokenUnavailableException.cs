namespace McpGateway.Host.Bridge;

/// <summary>A token source failed; the message is safe to print (it never holds a token or a secret).</summary>
internal sealed class TokenUnavailableException : Exception
{
    public TokenUnavailableException()
    {
    }

    public TokenUnavailableException(string message)
        : base(message)
    {
    }

    public TokenUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
