using System.Collections.Frozen;

namespace McpGateway.Inspectors.Masking;

/// <summary>The validated <c>masking</c> section: the profiles by name and the one used when nothing names another.</summary>
internal sealed class MaskingSettings
{
    internal MaskingSettings(FrozenDictionary<string, MaskProfile> profiles, string defaultProfile)
    {
        Profiles = profiles;
        DefaultProfileName = defaultProfile;
        DefaultProfile = profiles[defaultProfile];
    }

    public string DefaultProfileName { get; }

    public IEnumerable<string> ProfileNames => Profiles.Keys;

    internal FrozenDictionary<string, MaskProfile> Profiles { get; }

    internal MaskProfile DefaultProfile { get; }
}
