using System.Text;
using McpGateway.Inspectors.Masking;

namespace McpGateway.Tests.Masking;

/// <summary>Profiles and a one-call masker for the masking tests.</summary>
internal static class MaskingKit
{
    public static MaskProfile Profile(Action<MaskProfileOptions>? configure = null)
    {
        var options = new MaskingOptions();
        var profile = new MaskProfileOptions();
        configure?.Invoke(profile);
        options.Profiles["default"] = profile;
        var errors = new List<string>();
        var settings = MaskingCompiler.Compile(options, errors);
        Assert.That(errors, Is.Empty);
        return settings!.DefaultProfile;
    }

    public static MaskProfile All { get; } = Profile(p =>
    {
        p.OptIn.Add("email");
        p.OptIn.Add("phone");
        p.OptIn.Add("ip");
    });

    public static MaskProfile Default { get; } = Profile();

    /// <summary>The masked text, or the input when nothing matched.</summary>
    public static string MaskText(string text, MaskProfile? profile = null, MaskLabels? labels = null) =>
        MaskEngine.MaskText(text, profile ?? All, labels ?? new MaskLabels()) ?? text;

    /// <summary>The masked frame as a string, or null when nothing matched.</summary>
    public static string? MaskJson(string json, MaskProfile? profile = null, MaskLabels? labels = null)
    {
        var masked = MaskEngine.Mask(Encoding.UTF8.GetBytes(json), profile ?? Default, labels ?? new MaskLabels(), TimeProvider.System);
        return masked is null ? null : Encoding.UTF8.GetString(masked);
    }
}
