using McpGateway.Core.Configuration;
using McpGateway.Inspectors.Policy;

namespace McpGateway.Inspectors.Masking;

/// <summary>
/// The <c>masking</c> section: compiled into the <see cref="MaskingSettings"/> profiles; every profile a connection or
/// a policy rule names must exist.
/// </summary>
internal sealed class MaskingSection : SettingsSection<MaskingOptions>
{
    public override string Key => "masking";

    protected override void Validate(MaskingOptions? options, SettingsSectionContext context)
    {
        var masking = options is null ? null : MaskingCompiler.Compile(options, context.Errors);
        MaskingCompiler.CheckProfileReferences(context.Options, options, context.Section<PolicyOptions>(), context.Errors);
        context.Add(masking);
    }
}
