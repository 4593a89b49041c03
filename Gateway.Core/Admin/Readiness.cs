using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace McpGateway.Core.Admin;

/// <summary>
/// How a readiness check reports: healthy, or unhealthy with the things that are not ready, each as <c>kind:name</c>
/// (<c>authenticator:oidc</c>, <c>upstream:files</c>), which <c>/readyz</c> lists in <c>notReady</c>.
/// </summary>
internal static class Readiness
{
    /// <summary>The tag of the checks <c>/readyz</c> runs.</summary>
    public const string Tag = "ready";

    private const string NotReadyKey = "notReady";

    public static HealthCheckResult Of(IReadOnlyList<string> notReady) => notReady.Count == 0
        ? HealthCheckResult.Healthy()
        : HealthCheckResult.Unhealthy(string.Join(", ", notReady), data: new Dictionary<string, object>(StringComparer.Ordinal) { [NotReadyKey] = notReady });

    /// <summary>Everything not ready in <paramref name="report"/>, in the order the checks were registered.</summary>
    public static IReadOnlyList<string> NotReady(HealthReport report)
    {
        var notReady = new List<string>();
        foreach (var (name, entry) in report.Entries)
        {
            if (entry.Status == HealthStatus.Healthy)
            {
                continue;
            }

            if (entry.Data.TryGetValue(NotReadyKey, out var items) && items is IReadOnlyList<string> list)
            {
                notReady.AddRange(list);
            }
            else
            {
                // The check threw or timed out: it names itself.
                notReady.Add($"check:{name}");
            }
        }

        return notReady;
    }
}
