using System.Net;
using McpGateway.Core.Diagnostics;
using McpGateway.Core.Listener;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpGateway.Tests.Listener;

[TestFixture]
internal sealed class ListenerGateTests
{
    private static readonly IPAddress First = IPAddress.Parse("192.0.2.1");
    private static readonly IPAddress Second = IPAddress.Parse("192.0.2.2");

    [Test]
    public void TryEnter_BeyondPerAddressThenTotal_RefusedWithTheLimitBroken()
    {
        using var metrics = new GatewayMetrics();
        var gate = new ListenerGate("frontdoor", 3, 2, new DescriptorBudget(100), metrics, NullLogger.Instance);

        string?[] answers = [gate.TryEnter(First), gate.TryEnter(First), gate.TryEnter(First), gate.TryEnter(Second), gate.TryEnter(Second)];

        Assert.Multiple(() =>
        {
            Assert.That(answers, Is.EqualTo(new[] { null, null, "too_many_from_address", null, "too_many_connections" }));
            Assert.That(gate.Active, Is.EqualTo(3));
        });
    }

    [Test]
    public void TryEnter_DescriptorBudgetSpent_RefusedUntilOneLeaves()
    {
        using var metrics = new GatewayMetrics();
        var descriptors = new DescriptorBudget(1);
        var gate = new ListenerGate("admin", 10, 10, descriptors, metrics, NullLogger.Instance);

        var first = gate.TryEnter(First);
        var second = gate.TryEnter(Second);
        gate.Leave(First);
        var third = gate.TryEnter(Second);

        Assert.Multiple(() =>
        {
            Assert.That((first, second, third), Is.EqualTo(((string?)null, "out_of_descriptors", (string?)null)));
            Assert.That(descriptors.Used, Is.EqualTo(1));
        });
    }
}
