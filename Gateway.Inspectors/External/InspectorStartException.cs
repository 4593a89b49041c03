namespace McpGateway.Inspectors.External;

/// <summary>An inspector could not be started, reached or greeted; the supervisor tries again after a delay.</summary>
internal sealed class InspectorStartException : Exception
{
    public InspectorStartException()
    {
    }

    public InspectorStartException(string message)
        : base(message)
    {
    }

    public InspectorStartException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
