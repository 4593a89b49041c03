using System.Reflection;
using McpGateway.Core;
using McpGateway.Core.Diagnostics;
using McpGateway.Host.Commands;
using McpGateway.Inspectors.Approval;
using Microsoft.Extensions.Logging;

namespace McpGateway.Tests.Operations;

/// <summary>
/// Every log event of the gateway has an id of its own, so an operator can alert on one without catching another;
/// the ranges by area are <see cref="LogEventIds"/>, the one registry.
/// </summary>
[TestFixture]
internal sealed class LogEventIdTests
{
    private static List<(string LogClass, string Method, int Id)> LogMethods()
    {
        Assembly[] assemblies = [typeof(GatewayLog).Assembly, typeof(ApprovalLog).Assembly, typeof(AuditCommand).Assembly];
        return [.. assemblies
            .SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(m => m.Attribute is not null)
            .Select(m => (m.Method.DeclaringType!.Name, $"{m.Method.DeclaringType!.Name}.{m.Method.Name}", m.Attribute!.EventId))];
    }

    [Test]
    public void LoggerMessages_AcrossTheGatewaysAssemblies_EachIdUsedOnce()
    {
        var ids = LogMethods();
        var shared = ids.GroupBy(m => m.Id).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.Method))}");

        Assert.That(ids, Has.Count.GreaterThan(100), "the reflection found the log methods");
        Assert.That(shared, Is.Empty);
    }

    [Test]
    public void LoggerMessages_EachId_InARangeTheRegistryGivesItsLogClass()
    {
        var outside = LogMethods()
            .Where(m => !LogEventIds.Ranges.Any(r => r.Contains(m.Id) && r.LogClasses.Contains(m.LogClass)))
            .Select(m => $"{m.Method} uses {m.Id}, which no range of {m.LogClass} holds");

        Assert.That(outside, Is.Empty);
    }

    [Test]
    public void Ranges_OfTheRegistry_DoNotOverlap()
    {
        var ranges = LogEventIds.Ranges.OrderBy(r => r.First).ToList();
        var overlapping = ranges.Zip(ranges.Skip(1))
            .Where(p => p.Second.First <= p.First.Last)
            .Select(p => $"{p.First.Area} ({p.First.First}-{p.First.Last}) and {p.Second.Area} ({p.Second.First}-{p.Second.Last})");

        Assert.Multiple(() =>
        {
            Assert.That(ranges.All(r => r.First <= r.Last), Is.True);
            Assert.That(overlapping, Is.Empty);
        });
    }
}
