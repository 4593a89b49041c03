using System.Text.Json.Nodes;
using McpGateway.Inspectors.Approval;
using McpGateway.Core.Configuration;
using McpGateway.Tests.EndToEnd.Operations;
using McpGateway.Tests.Infrastructure;

namespace McpGateway.Tests.Approval;

/// <summary>
/// <see cref="WebhookNotifier"/> against a real HTTP endpoint on 127.0.0.1: the Slack-compatible message, retries on
/// 5xx, 429 (after its Retry-After) and network errors, none on another 4xx, and logs that never carry the URL's secret
/// path or a header's value.
/// </summary>
[TestFixture]
[NonParallelizable]
internal sealed class WebhookNotifierTests
{
    private const string HeaderSecret = "hdr-secret-4c1d9e";
    private const string HeaderVariable = "MCPGW_TEST_WEBHOOK_TOKEN";

    private static readonly ApprovalNotice Notice = new(
        "3f2a9c",
        "agent-alice",
        "files",
        "write_file",
        """{"path":"/tmp/x","content":"[MASKED:aws_access_key:1a2b]"}""",
        "writes",
        ["approvers", "dba"],
        2,
        new DateTimeOffset(2026, 12, 7, 10, 30, 0, TimeSpan.Zero),
        "mcpgw approvals approve 3f2a9c",
        new Uri("http://127.0.0.1:7401/approvals/3f2a9c"));

    [OneTimeSetUp]
    public void SetUp() => Environment.SetEnvironmentVariable(HeaderVariable, HeaderSecret);

    [OneTimeTearDown]
    public void TearDown() => Environment.SetEnvironmentVariable(HeaderVariable, null);

    private static WebhookNotifier Notifier(Uri url, CapturingLoggerProvider logs, int retries = 3) => new(
        new ApprovalWebhookSettings(url)
        {
            Headers = new Dictionary<string, EnvironmentValue> { ["Authorization"] = new(EnvironmentValueSource.Environment, HeaderVariable) },
            Retries = retries,
            Timeout = TimeSpan.FromSeconds(5),
        },
        TimeProvider.System,
        logs.CreateLogger("McpGateway.Approval"),
        retryDelay: TimeSpan.FromMilliseconds(10));

    [Test]
    [CancelAfter(20_000)]
    public async Task NotifyAsync_HeaderSecretWithLineBreak_NothingSentAndTheValueNeverLogged(CancellationToken cancellationToken)
    {
        await using var receiver = await WebhookReceiver.StartAsync(cancellationToken);
        using var logs = new CapturingLoggerProvider();
        Environment.SetEnvironmentVariable(HeaderVariable, HeaderSecret + "\r\nX-Injected: 1");
        try
        {
            using var notifier = Notifier(receiver.Url, logs);

            var failure = Assert.ThrowsAsync<WebhookDeliveryException>(() => notifier.NotifyAsync(Notice, cancellationToken));

            Assert.That(failure!.Message, Does.Contain("Authorization").And.Not.Contain(HeaderSecret));
            Assert.That(receiver.Received, Is.Empty, "a secret with a line break never reaches the connection");
        }
        finally
        {
            Environment.SetEnvironmentVariable(HeaderVariable, HeaderSecret);
        }
    }

    [Test]
    [CancelAfter(20_000)]
    public async Task NotifyAsync_503Then429WithRetryAfter_RetriedAfterItsDelayAndDeliveredOnTheThirdAttempt(CancellationToken cancellationToken)
    {
        await using var receiver = await WebhookReceiver.StartAsync(cancellationToken, (503, null), (429, "1"));
        using var logs = new CapturingLoggerProvider();
        using var notifier = Notifier(receiver.Url, logs);

        await notifier.NotifyAsync(Notice, cancellationToken);

        var received = receiver.Received.ToList();
        var message = JsonNode.Parse(received[^1].Body)!;
        var blocks = message["blocks"]!.ToJsonString();
        Assert.Multiple(() =>
        {
            Assert.That(received, Has.Count.EqualTo(3));
            Assert.That(received.Select(r => r.Body).Distinct().Count(), Is.EqualTo(1), "every attempt posts the same message");
            Assert.That(received.Select(r => r.Headers.Authorization.ToString()), Has.All.EqualTo(HeaderSecret));
            Assert.That(received[0].Headers.ContentType.ToString(), Does.StartWith("application/json"));
            Assert.That((string?)message["text"], Does.Contain("agent-alice").And.Contain("write_file").And.Contain("files").And.Contain("mcpgw approvals approve 3f2a9c"));
            Assert.That(message["blocks"]!.AsArray().Select(b => (string?)b!["type"]), Is.EqualTo(new[] { "header", "section", "section", "section", "context" }));
            foreach (var expected in new[] { "agent-alice", "files", "write_file", "writes", "2 from approvers, dba", "2026-12-07 10:30:00 UTC", "[MASKED:aws_access_key:1a2b]", "mcpgw approvals approve 3f2a9c", "http://127.0.0.1:7401/approvals/3f2a9c/approve" })
            {
                Assert.That(blocks, Does.Contain(expected.Replace("\"", "\\\"", StringComparison.Ordinal)));
            }

            Assert.That(logs.Text, Does.Contain("attempt 1 failed (HTTP 503)"));
            Assert.That(logs.Text, Does.Contain("attempt 2 failed (HTTP 429); retrying in 00:00:01"), "Retry-After is honoured");
            Assert.That(logs.Text, Does.Not.Contain(WebhookReceiver.SecretPath).And.Not.Contain("xoxSecretPathPart").And.Not.Contain(HeaderSecret));
        });
    }

    [Test]
    [CancelAfter(20_000)]
    public async Task NotifyAsync_400_NotRetriedAndFailsWithoutNamingTheSecretPath(CancellationToken cancellationToken)
    {
        await using var receiver = await WebhookReceiver.StartAsync(cancellationToken, (400, null));
        using var logs = new CapturingLoggerProvider();
        using var notifier = Notifier(receiver.Url, logs);

        var failure = Assert.ThrowsAsync<WebhookDeliveryException>(() => notifier.NotifyAsync(Notice, cancellationToken));

        Assert.Multiple(() =>
        {
            Assert.That(receiver.Received, Has.Count.EqualTo(1));
            Assert.That(failure!.Message, Does.Contain("HTTP 400").And.Contain("127.0.0.1").And.Not.Contain("xoxSecretPathPart"));
        });
    }

    [Test]
    [CancelAfter(20_000)]
    public async Task NotifyAsync_500EveryTime_GivesUpAfterTheConfiguredRetries(CancellationToken cancellationToken)
    {
        await using var receiver = await WebhookReceiver.StartAsync(cancellationToken, (500, null), (502, null), (500, null), (500, null));
        using var logs = new CapturingLoggerProvider();
        using var notifier = Notifier(receiver.Url, logs, retries: 2);

        var failure = Assert.ThrowsAsync<WebhookDeliveryException>(() => notifier.NotifyAsync(Notice, cancellationToken));

        Assert.Multiple(() =>
        {
            Assert.That(receiver.Received, Has.Count.EqualTo(3), "the first attempt and two retries");
            Assert.That(failure!.Message, Does.Contain("HTTP 500"));
        });
    }

    [Test]
    [CancelAfter(20_000)]
    public async Task NotifyAsync_NobodyListening_RetriesNetworkErrorsThenFailsWithoutNamingTheSecretPath(CancellationToken cancellationToken)
    {
        var url = new Uri($"http://127.0.0.1:{OidcProvider.FreePort()}{WebhookReceiver.SecretPath}");
        using var logs = new CapturingLoggerProvider();
        using var notifier = Notifier(url, logs, retries: 2);

        var failure = Assert.ThrowsAsync<WebhookDeliveryException>(() => notifier.NotifyAsync(Notice, cancellationToken));

        Assert.Multiple(() =>
        {
            Assert.That(failure!.Message, Does.Contain("network error").And.Not.Contain("xoxSecretPathPart"));
            Assert.That(logs.Text, Does.Contain("attempt 2 failed (network error"));
            Assert.That(logs.Text, Does.Not.Contain("xoxSecretPathPart"));
        });
    }
}
