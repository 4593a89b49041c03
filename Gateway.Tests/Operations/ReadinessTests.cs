using McpGateway.Core.Admin;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace McpGateway.Tests.Operations;

/// <summary>How health check results become <c>/readyz</c>'s <c>notReady</c> list.</summary>
[TestFixture]
internal sealed class ReadinessTests
{
    [Test]
    public void NotReady_SeveralChecks_ListsTheUnhealthyOnesInRegistrationOrder()
    {
        var report = Report(
            ("authenticator", Readiness.Of(["authenticator:oidc (https://idp)"])),
            ("audit", Readiness.Of([])),
            ("upstreams", Readiness.Of(["upstream:a", "upstream:b"])));

        Assert.That(Readiness.NotReady(report), Is.EqualTo(new[] { "authenticator:oidc (https://idp)", "upstream:a", "upstream:b" }));
    }

    [Test]
    public void NotReady_ACheckThrew_NamesTheCheck()
    {
        var report = Report(
            ("features", new HealthCheckResult(HealthStatus.Unhealthy, "threw", new InvalidOperationException("boom"))),
            ("drain", Readiness.Of([])));

        Assert.That(Readiness.NotReady(report), Is.EqualTo(new[] { "check:features" }));
    }

    [Test]
    public void Of_NothingNotReady_IsHealthy()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Readiness.Of([]).Status, Is.EqualTo(HealthStatus.Healthy));
            Assert.That(Readiness.Of(["gateway:draining"]).Status, Is.EqualTo(HealthStatus.Unhealthy));
        });
    }

    private static HealthReport Report(params (string Name, HealthCheckResult Result)[] checks) => new(
        checks.ToDictionary(
            c => c.Name,
            c => new HealthReportEntry(c.Result.Status, c.Result.Description, TimeSpan.Zero, c.Result.Exception, c.Result.Data),
            StringComparer.Ordinal),
        TimeSpan.Zero);
}
