using McpGateway.Core.Chain;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;
using McpGateway.Testing;

namespace McpGateway.Samples.ToolCallQuota.Tests;

/// <summary>The quota rule on its own: frames built by the harness, one inspector, its verdicts.</summary>
[TestFixture]
internal sealed class ToolCallQuotaInspectorTests
{
    private static InspectorHarness Harness(int maxCallsPerSession) =>
        new(new ToolCallQuotaInspector(new ToolCallQuotaOptions { MaxCallsPerSession = maxCallsPerSession }));

    [Test]
    [CancelAfter(5000)]
    public async Task InspectAsync_CallsUpToTheQuota_Forwarded(CancellationToken cancellationToken)
    {
        var harness = Harness(2);

        var first = await harness.CallToolAsync("echo", """{"message":"one"}""", cancellationToken: cancellationToken);
        var second = await harness.CallToolAsync("echo", """{"message":"two"}""", cancellationToken: cancellationToken);

        Assert.That((first.Kind, second.Kind), Is.EqualTo((VerdictKind.Forward, VerdictKind.Forward)));
    }

    [Test]
    [CancelAfter(5000)]
    public async Task InspectAsync_CallBeyondTheQuota_RejectedAsOverloadedWithTheRule(CancellationToken cancellationToken)
    {
        var harness = Harness(1);
        await harness.CallToolAsync("echo", cancellationToken: cancellationToken);

        var verdict = await harness.CallToolAsync("echo", cancellationToken: cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(verdict.Kind, Is.EqualTo(VerdictKind.Reject));
            Assert.That(verdict.Error!.Code, Is.EqualTo(GatewayErrorCode.Overloaded));
            Assert.That(verdict.Error.Reason, Is.EqualTo("tool_call_quota_exceeded"));
            Assert.That(verdict.Error.Rule, Is.EqualTo(ToolCallQuotaInspector.InspectorName));
        });
    }

    [Test]
    [CancelAfter(5000)]
    public async Task InspectAsync_QuotaZero_FirstCallRejected(CancellationToken cancellationToken)
    {
        var verdict = await Harness(0).CallToolAsync("echo", cancellationToken: cancellationToken);

        Assert.That(verdict.Kind, Is.EqualTo(VerdictKind.Reject));
    }

    [Test]
    [CancelAfter(5000)]
    public async Task InspectAsync_OtherRequestsAndNotifications_NeitherCountNorAreRefused(CancellationToken cancellationToken)
    {
        var harness = Harness(1);

        var list = await harness.InspectAsync(harness.Request(McpMethods.ToolsList, "{}", id: 1), cancellationToken);
        var read = await harness.InspectAsync(harness.Request("resources/read", """{"uri":"file:///a"}""", id: 2), cancellationToken);
        var progress = await harness.InspectAsync(harness.Notification("notifications/initialized"), cancellationToken);
        var call = await harness.CallToolAsync("echo", cancellationToken: cancellationToken);

        Assert.That(new[] { list.Kind, read.Kind, progress.Kind, call.Kind }, Is.All.EqualTo(VerdictKind.Forward));
    }

    [Test]
    [CancelAfter(5000)]
    public async Task InspectAsync_TwoSessions_EachHasItsOwnQuota(CancellationToken cancellationToken)
    {
        var harness = Harness(1);
        var other = InspectorHarness.NewSession("bob");
        await harness.CallToolAsync("echo", cancellationToken: cancellationToken);

        var sameSession = await harness.CallToolAsync("echo", cancellationToken: cancellationToken);
        var otherSession = await harness.CallToolAsync("echo", session: other, cancellationToken: cancellationToken);

        Assert.That((sameSession.Kind, otherSession.Kind), Is.EqualTo((VerdictKind.Reject, VerdictKind.Forward)));
    }

    [Test]
    public void Directions_UpstreamResponse_NotInspected()
    {
        var harness = Harness(1);

        Assert.That(
            () => harness.InspectAsync(harness.Response(1, """{"content":[]}""", McpMethods.ToolsCall, "echo")),
            Throws.InvalidOperationException.With.Message.Contains("tool-call-quota"));
    }
}
