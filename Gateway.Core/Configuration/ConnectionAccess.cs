using System.Collections.Frozen;
using McpGateway.Core.Identity;

namespace McpGateway.Core.Configuration;

/// <summary>
/// Who may open a connection: an identity in one of <see cref="AllowedGroups"/> or named in
/// <see cref="AllowedSubjects"/>. Both empty admits anyone authenticated. Not applied in <c>auth.mode: none</c>.
/// </summary>
internal sealed record ConnectionAccess
{
    public static readonly ConnectionAccess Anyone = new();

    public FrozenSet<string> AllowedGroups { get; init; } = FrozenSet<string>.Empty;

    public FrozenSet<string> AllowedSubjects { get; init; } = FrozenSet<string>.Empty;

    public bool IsOpen => AllowedGroups.Count == 0 && AllowedSubjects.Count == 0;

    public bool Admits(GatewayIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        if (IsOpen || AllowedSubjects.Contains(identity.Subject))
        {
            return true;
        }

        foreach (var group in identity.Groups)
        {
            if (AllowedGroups.Contains(group))
            {
                return true;
            }
        }

        return false;
    }
}
