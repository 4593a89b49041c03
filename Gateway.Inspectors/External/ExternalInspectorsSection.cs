using McpGateway.Core.Configuration;

namespace McpGateway.Inspectors.External;

/// <summary>
/// The <c>externalInspectors</c> section: each entry, by the name the <c>inspectors</c> list places it under, becomes an
/// <see cref="ExternalInspectorSettings"/>. Runs after the approvals section, which an entry's <c>approval</c> needs.
/// </summary>
internal sealed class ExternalInspectorsSection : SettingsSection<IDictionary<string, ExternalInspectorOptions>>
{
    public override string Key => "externalInspectors";

    protected override void Validate(IDictionary<string, ExternalInspectorOptions>? options, SettingsSectionContext context)
    {
        if (options is null || options.Count == 0)
        {
            return;
        }

        context.Add(new ExternalInspectorsSettings(ExternalInspectorValidator.Parse(options, context)));
    }
}
