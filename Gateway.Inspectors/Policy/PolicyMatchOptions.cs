namespace McpGateway.Inspectors.Policy;

/// <summary>
/// The selectors of a rule. Every selector given must match (AND); within one selector any entry suffices (OR).
/// An empty selector matches everything.
/// </summary>
internal sealed class PolicyMatchOptions
{
    public IList<string> Groups { get; } = [];

    public IList<string> Subjects { get; } = [];

    public IList<string> ClientIds { get; } = [];

    /// <summary>Names of configured connections.</summary>
    public IList<string> Connections { get; } = [];

    /// <summary>Method names, exact or glob (<c>*</c>, <c>?</c>), e.g. <c>resources/*</c>.</summary>
    public IList<string> Methods { get; } = [];

    /// <summary>Tool names for <c>tools/call</c>, exact (case-sensitive) or glob.</summary>
    public IList<string> Tools { get; } = [];

    /// <summary>Matchers on <c>params.arguments</c>, keyed by a dotted path such as <c>sql</c> or <c>options.target</c>.</summary>
    public IDictionary<string, ArgumentMatchOptions> Arguments { get; } = new Dictionary<string, ArgumentMatchOptions>(StringComparer.Ordinal);
}
