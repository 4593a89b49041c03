namespace McpGateway.Core.Policy;

/// <summary>The <c>policy</c> section as bound from configuration; <see cref="PolicyCompiler"/> validates it into a <see cref="CompiledPolicy"/>.</summary>
public sealed class PolicyOptions
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

    public IList<PolicyRuleOptions> Rules { get; } = [];
}
