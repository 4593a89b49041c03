using McpGateway.Core.Diagnostics;
using McpGateway.Core.Recording;
using McpGateway.Inspectors.Approval;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace McpGateway.Tests.EndToEnd.Approval;

/// <summary>
/// <c>mcpgw_verdicts_total</c> for calls held for approval counts what happened: the hold under its policy rule, and no
/// <c>audit_unavailable</c> when the audit store was fine and the client merely gave up (the bridge's time-out: a
/// cancellation, then the client goes away).
/// </summary>
[TestFixture]
[NonParallelizable]
internal sealed class ApprovalVerdictMetricsTests
{
    private readonly ManualTimeProvider _clock = new();
    private ApprovalRig _rig = null!;

    [OneTimeSetUp]
    public async Task StartGateway()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        _rig = await ApprovalRig.StartAsync(_clock, timeout.Token);
    }

    [OneTimeTearDown]
    public async Task StopGateway() => await _rig.DisposeAsync();

    [Test]
    [CancelAfter(30_000)]
    public async Task Verdicts_ClientTimesOutAHeldCallAndLeaves_HoldCountedUnderItsRuleAndNoAuditUnavailable(CancellationToken cancellationToken)
    {
        // The exporter counts from its creation on.
        using var exporter = new PrometheusExporter(_rig.Gateway.Application.Services.GetRequiredService<GatewayMetrics>());
        var (client, sessionId) = await _rig.ConnectAsync(cancellationToken);
        await ApprovalRig.SendCallAsync(client, "slow-1", ApprovalRig.WriteFile(Path.Combine(_rig.Files, "given-up.txt"), "late"), cancellationToken);
        var pending = await _rig.WaitForPendingAsync(sessionId, "write_file", cancellationToken);

        // What an SDK client does when its request times out, then the bridge exits.
        await client.SendAsync("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"slow-1","reason":"Request timed out"}}""", cancellationToken);
        await client.DisposeAsync();
        await _rig.WaitForStateAsync(pending.Id, ApprovalState.Withdrawn, cancellationToken);
        while (!(await _rig.AuditOfAsync(sessionId, cancellationToken)).Any(r => r.Record.Kind == AuditEventKind.SessionEnd))
        {
            await Task.Delay(20, cancellationToken);
        }

        var verdicts = exporter.Write().Split('\n').Where(l => l.StartsWith("mcpgw_verdicts_total{", StringComparison.Ordinal)).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(verdicts, Has.One.EqualTo("mcpgw_verdicts_total{inspector=\"policy\",verdict=\"hold\",reason=\"approval_required\",rule=\"writes\"} 1"), string.Join('\n', verdicts));
            Assert.That(verdicts, Has.None.Contains("audit_unavailable"), string.Join('\n', verdicts));
            Assert.That(verdicts.Where(l => l.Contains("verdict=\"hold\"", StringComparison.Ordinal)), Has.None.Contains("rule=\"\"}"), string.Join('\n', verdicts));
        });
    }
}
