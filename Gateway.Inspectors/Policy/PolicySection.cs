using McpGateway.Core.Configuration;

namespace McpGateway.Inspectors.Policy;

/// <summary>The <c>policy</c> section: compiled into the <see cref="CompiledPolicy"/> the gateway starts with.</summary>
internal sealed class PolicySection : SettingsSection<PolicyOptions>
{
    public override string Key => "policy";

    protected override void Validate(PolicyOptions? options, SettingsSectionContext context)
    {
        if (options is not null)
        {
            context.Add(PolicyCompiler.Compile(options, [.. context.Options.Connections.Keys], context.Errors, baseDirectory: context.BaseDirectory));
        }
    }
}
