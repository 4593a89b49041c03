namespace McpGateway.Core.Configuration;

/// <summary>
/// One feature's section of the configuration file (<c>policy</c>, <c>masking</c>, ...): the feature owns its options
/// class, binds nothing else and validates only its own section. <see cref="GatewaySettingsLoader"/> binds every
/// registered section, runs the sections in their registered order and reports every error of all of them at once.
/// </summary>
internal interface ISettingsSection
{
    /// <summary>The key at the root of the file, e.g. <c>policy</c>; its error messages start with it.</summary>
    string Key { get; }

    /// <summary>The class the section binds to; the unknown-key check and the schema walk it.</summary>
    Type OptionsType { get; }

    /// <summary>
    /// Validates the bound section (null when the file has none): every mistake goes to <see cref="SettingsSectionContext.Errors"/>,
    /// the feature's settings to <see cref="SettingsSectionContext.Add{T}"/>.
    /// </summary>
    void Validate(object? options, SettingsSectionContext context);
}
