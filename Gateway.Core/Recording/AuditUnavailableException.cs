namespace McpGateway.Core.Recording;

/// <summary>The store could not commit a record; the frame it describes must not pass (fail closed).</summary>
internal sealed class AuditUnavailableException : Exception
{
    public AuditUnavailableException()
    {
    }

    public AuditUnavailableException(string message)
        : base(message)
    {
    }

    public AuditUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
