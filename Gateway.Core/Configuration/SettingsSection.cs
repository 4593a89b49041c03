namespace McpGateway.Core.Configuration;

/// <summary>A section bound to <typeparamref name="TOptions"/>; see <see cref="ISettingsSection"/>.</summary>
internal abstract class SettingsSection<TOptions> : ISettingsSection
    where TOptions : class
{
    public abstract string Key { get; }

    public Type OptionsType => typeof(TOptions);

    public void Validate(object? options, SettingsSectionContext context) => Validate((TOptions?)options, context);

    protected abstract void Validate(TOptions? options, SettingsSectionContext context);
}
