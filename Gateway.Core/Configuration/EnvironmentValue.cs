namespace McpGateway.Core.Configuration;

/// <summary>
/// A variable for a spawned upstream: a literal, or a secret read by the gateway when it spawns the server
/// (from its own environment or a file), so secrets live in the child's environment and nowhere else.
/// </summary>
internal sealed record EnvironmentValue(EnvironmentValueSource Source, string Reference)
{
    /// <summary>Reads the value now; throws <see cref="InvalidOperationException"/> naming the reference, never the value.</summary>
    public string Resolve()
    {
        switch (Source)
        {
            case EnvironmentValueSource.Literal:
                return Reference;
            case EnvironmentValueSource.Environment:
                return System.Environment.GetEnvironmentVariable(Reference)
                    ?? throw new InvalidOperationException($"environment variable '{Reference}' is not set");
            default:
                try
                {
                    return File.ReadAllText(Reference).TrimEnd('\r', '\n');
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    throw new InvalidOperationException($"secret file '{Reference}' cannot be read: {ex.Message}", ex);
                }
        }
    }
}

internal enum EnvironmentValueSource
{
    Literal,
    Environment,
    File,
}
