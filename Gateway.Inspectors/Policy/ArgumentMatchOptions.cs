namespace McpGateway.Inspectors.Policy;

/// <summary>
/// A regular expression on the values an argument path reaches: strings after JSON unescaping (and the JSON they hold),
/// numbers in their canonical decimal form. See <see cref="ArgumentMatcher"/> for how each action treats several values.
/// </summary>
internal sealed class ArgumentMatchOptions
{
    public string? Regex { get; set; }

    public bool? IgnoreCase { get; set; }
}
