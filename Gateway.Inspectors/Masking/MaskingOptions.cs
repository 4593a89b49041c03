namespace McpGateway.Inspectors.Masking;

/// <summary>The <c>masking</c> section; absent, nothing is masked (see the README, "Masking").</summary>
internal sealed class MaskingOptions
{
    /// <summary>Named profiles; a <c>default</c> profile with the built-in detectors exists when none is configured.</summary>
    public IDictionary<string, MaskProfileOptions> Profiles { get; } = new Dictionary<string, MaskProfileOptions>(StringComparer.Ordinal);

    /// <summary>The profile used where neither a policy rule nor the connection names one (default: <c>default</c>).</summary>
    public string? DefaultProfile { get; set; }
}
