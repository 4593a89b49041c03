namespace McpGateway.Core.Chain;

/// <summary>The configured chain cannot be built; <see cref="Errors"/> lists every reason.</summary>
internal sealed class InvalidChainException : Exception
{
    public InvalidChainException(IReadOnlyList<string> errors)
        : base("The inspector chain is invalid: " + string.Join("; ", errors)) => Errors = errors;

    public InvalidChainException()
        : this([])
    {
    }

    public InvalidChainException(string message)
        : base(message) => Errors = [message];

    public InvalidChainException(string message, Exception innerException)
        : base(message, innerException) => Errors = [message];

    public IReadOnlyList<string> Errors { get; }
}
