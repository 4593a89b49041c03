using System.Reflection;
using McpGateway.Core;
using McpGateway.Host.Commands;
using McpGateway.Inspectors.Approval;
using Microsoft.Extensions.Logging;

namespace McpGateway.Tests.Operations;

/// <summary>
/// Every log event of the gateway has an id of its own, so an operator can alert on one without catching another.
/// Ranges by area: 1000-1099 gateway, 1100-1199 TLS and gateway-made frames, 1200 listener, 1300 drain, 2000-4099
/// sessions and upstreams, 4100 HTTP upstreams, 5000 OIDC, 5500 bridge, 6000 policy, 7000 recording, 8000 masking,
/// 9000-9099 approvals, 9100 front door.
/// </summary>
[TestFixture]
internal sealed class LogEventIdTests
{
    [Test]
    public void LoggerMessages_AcrossTheGatewaysAssemblies_EachIdUsedOnce()
    {
        Assembly[] assemblies = [typeof(GatewayLog).Assembly, typeof(ApprovalLog).Assembly, typeof(AuditCommand).Assembly];

        var ids = assemblies
            .SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(m => (Method: $"{m.DeclaringType!.Name}.{m.Name}", Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(m => m.Attribute is not null)
            .ToList();
        var shared = ids.GroupBy(m => m.Attribute!.EventId).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.Method))}");

        Assert.That(ids, Has.Count.GreaterThan(100), "the reflection found the log methods");
        Assert.That(shared, Is.Empty);
    }
}
