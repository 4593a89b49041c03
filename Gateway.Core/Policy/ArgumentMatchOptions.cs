namespace McpGateway.Core.Policy;

/// <summary>A regular expression on one argument value (after JSON unescaping).</summary>
public sealed class ArgumentMatchOptions
{
    public string? Regex { get; set; }

    public bool? IgnoreCase { get; set; }
}
