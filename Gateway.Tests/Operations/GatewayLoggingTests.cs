using System.Collections.Frozen;
using System.Net;
using McpGateway.Core.Configuration;
using McpGateway.Core.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace McpGateway.Tests.Operations;

/// <summary>The <c>logging</c> section picks the console formatter and the minimum level.</summary>
[TestFixture]
internal sealed class GatewayLoggingTests
{
    [TestCase(LogFormat.Json, ConsoleFormatterNames.Json)]
    [TestCase(LogFormat.Simple, ConsoleFormatterNames.Simple)]
    public void Configure_Format_SelectsTheConsoleFormatter(LogFormat format, string formatter)
    {
        using var services = Build(Settings() with { LogFormat = format });

        Assert.That(services.GetRequiredService<IOptions<ConsoleLoggerOptions>>().Value.FormatterName, Is.EqualTo(formatter));
    }

    [Test]
    public void Configure_Json_EveryEntryCarriesAUtcTimestamp()
    {
        using var services = Build(Settings() with { LogFormat = LogFormat.Json });

        var options = services.GetRequiredService<IOptions<JsonConsoleFormatterOptions>>().Value;
        var stamp = new DateTimeOffset(2026, 12, 7, 14, 5, 9, 42, TimeSpan.Zero).ToString(options.TimestampFormat, System.Globalization.CultureInfo.InvariantCulture);

        Assert.That(options.UseUtcTimestamp, Is.True);
        Assert.That(stamp, Is.EqualTo("2026-12-07T14:05:09.042Z"));
    }

    [Test]
    public void Configure_LevelWarning_InformationIsOffAndWarningOn()
    {
        using var services = Build(Settings() with { LogLevel = LogLevel.Warning });
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("McpGateway");

        Assert.Multiple(() =>
        {
            Assert.That(logger.IsEnabled(LogLevel.Information), Is.False);
            Assert.That(logger.IsEnabled(LogLevel.Warning), Is.True);
        });
    }

    private static ServiceProvider Build(GatewaySettings settings) =>
        new ServiceCollection().AddLogging(logging => GatewayLogging.Configure(logging, settings)).BuildServiceProvider();

    private static GatewaySettings Settings() => new()
    {
        Endpoint = new IPEndPoint(IPAddress.Loopback, 0),
        AuthMode = AuthMode.None,
        Connections = FrozenDictionary<string, ConnectionSettings>.Empty,
    };
}
