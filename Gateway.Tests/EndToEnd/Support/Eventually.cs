using System.Globalization;
using McpGateway.Core.Diagnostics;

namespace McpGateway.Tests.EndToEnd.Support;

/// <summary>Waits for a condition the gateway reaches on its own time (a socket closed, a counter moved), bounded.</summary>
internal static class Eventually
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);

    /// <summary>True once <paramref name="done"/> holds; false if it did not within <paramref name="within"/>.</summary>
    public static Task<bool> TrueAsync(Func<bool> done, TimeSpan within, CancellationToken cancellationToken) =>
        TrueAsync(_ => Task.FromResult(done()), within, cancellationToken);

    /// <inheritdoc cref="TrueAsync(Func{bool}, TimeSpan, CancellationToken)"/>
    public static async Task<bool> TrueAsync(Func<CancellationToken, Task<bool>> done, TimeSpan within, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + within;
        while (!await done(cancellationToken))
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(Poll, cancellationToken);
        }

        return true;
    }

    /// <summary>The value of one series in <paramref name="exporter"/>'s Prometheus text, 0 when it has not been counted yet.</summary>
    public static double Metric(PrometheusExporter exporter, string series)
    {
        foreach (var line in exporter.Write().Split('\n'))
        {
            if (line.StartsWith(series + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }
}
