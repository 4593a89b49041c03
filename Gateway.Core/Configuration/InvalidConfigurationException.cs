namespace McpGateway.Core.Configuration;

/// <summary>The configuration cannot be used; <see cref="Errors"/> names every mistake with its path.</summary>
internal sealed class InvalidConfigurationException : Exception
{
    public InvalidConfigurationException(IReadOnlyList<string> errors)
        : base("Invalid configuration:\n  " + string.Join("\n  ", errors)) => Errors = errors;

    public InvalidConfigurationException()
        : this([])
    {
    }

    public InvalidConfigurationException(string message)
        : base(message) => Errors = [message];

    public InvalidConfigurationException(string message, Exception innerException)
        : base(message, innerException) => Errors = [message];

    public IReadOnlyList<string> Errors { get; }
}
