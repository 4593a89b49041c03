namespace McpGateway.Inspectors.Policy;

/// <summary>The <c>policy</c> section as bound from configuration; <see cref="PolicyCompiler"/> validates it into a <see cref="CompiledPolicy"/>.</summary>
internal sealed class PolicyOptions
{
    /// <summary><c>deny</c> (the default) or <c>allow</c>: the decision for a call no rule matches.</summary>
    public string? Default { get; set; }

    /// <summary>How often the configuration file is checked for a changed policy (default 2 s).</summary>
    public TimeSpan? ReloadInterval { get; set; }

    /// <summary>
    /// The tool pin file (relative to the configuration file). Given, every tool an upstream lists is fingerprinted the
    /// first time it is seen; a later changed definition hides the tool until <c>mcpgw tools approve</c>.
    /// </summary>
    public string? Pins { get; set; }

    /// <summary>
    /// Members of a tool definition left out of its pin fingerprint, as dotted paths (<c>_meta.updatedAt</c>); for an
    /// upstream that puts a changing value into its tool list. Empty by default: every member can carry text a model
    /// reads. Read at start only, like <see cref="Pins"/>.
    /// </summary>
    public IList<string> PinsIgnore { get; } = [];

    public IList<PolicyRuleOptions> Rules { get; } = [];
}
