using McpGateway.Core.Configuration;
using McpGateway.Core.Recording;
using McpGateway.Core.Sessions;
using McpGateway.Tests.EndToEnd.Recording;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using static McpGateway.Tests.EndToEnd.Hostile.HostileWire;

namespace McpGateway.Tests.EndToEnd.Hostile;

/// <summary>
/// A call the gateway timed out (-31008) keeps its id taken, like a cancelled one: over a TCP (NDJSON) upstream nothing
/// but the id binds the upstream's late answer to its call. Through the real listener against a spy upstream that never
/// answers <c>tools/call</c> (and answers late when the test says so); the gateway's clock is a manual one, so the
/// timeout and the tombstone's end are steps of the test, not waits.
/// </summary>
[TestFixture]
internal sealed class TimedOutIdTests
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Past a deadline set now, whatever the phase of the session's sweep.</summary>
    private static readonly TimeSpan PastDeadline = RequestTimeout + SessionSweeper.Interval;

    private ManualTimeProvider _clock = null!;
    private string _directory = null!;

    private string DatabasePath => Path.Combine(_directory, "audit.db");

    [SetUp]
    public void CreateDirectoryAndClock()
    {
        _directory = Directory.CreateTempSubdirectory("mcpgw-timed-out-id-").FullName;
        _clock = new ManualTimeProvider();
    }

    [TearDown]
    public void DeleteDirectory()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    [CancelAfter(20000)]
    public async Task TimedOutId_ReusedBeforeUpstreamAnswers_IdInUseAndLateAnswerDroppedNeverDelivered(CancellationToken cancellationToken)
    {
        string sessionId;
        string refused, next, reused;
        SpyConnection upstream;
        await using (var spy = SpyUpstream.Start(SpyBehavior.Hang("ping")))
        await using (var gateway = await StartAsync(spy, cancellationToken))
        {
            RawMcpClient client;
            (client, sessionId) = await ConnectAsync(gateway, cancellationToken);
            await using (client)
            {
                var slow = await TimeOutSlowCallAsync(spy, client, cancellationToken);
                upstream = slow.Upstream;

                await client.SendAsync("""{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"echo","arguments":{}}}""", cancellationToken);
                refused = (await client.ReadLineAsync(cancellationToken))!;

                // The upstream answers the timed-out call late, with text meant for that call only; then a ping.
                var pingId = NewId("ping");
                await upstream.SendAsync(slow.Call.ResponseWith("""{"content":[{"type":"text","text":"first call, late"}]}"""), cancellationToken);
                await client.SendRawAsync(WithNewline(Ping(pingId)), cancellationToken);
                next = (await client.ReadLineAsync(cancellationToken))!;
                Assert.That(IsResponseTo(next, pingId), Is.True, $"the late answer must not be delivered; got {next}");

                // The tombstone went with the late answer: the id is free again, before the tombstone's deadline.
                await client.SendAsync("""{"jsonrpc":"2.0","id":7,"method":"ping"}""", cancellationToken);
                reused = (await client.ReadLineAsync(cancellationToken))!;
            }
        }

        AssertGatewayError(refused, -32600, "id_in_use", null);
        Assert.Multiple(() =>
        {
            Assert.That(Parse(refused)["error"]?["data"]?["rpcId"]?.GetValue<int>(), Is.EqualTo(7), refused);
            Assert.That(Parse(reused)["id"]?.GetValue<int>(), Is.EqualTo(7), reused);
            Assert.That(Parse(reused)["result"]?["echo"]?.GetValue<string>(), Is.EqualTo("ping"), reused);
            Assert.That(upstream.Traffic.Count(l => l.Method == "tools/call"), Is.EqualTo(1), "the refused request never reached the upstream: " + upstream.Describe());
        });
        var toClient = (await RecordsAsync(cancellationToken)).Where(r => r.SessionId == sessionId && r.Kind == AuditEventKind.Frame && r.Direction == "upstream_to_client" && r.RpcId == "7");
        Assert.That(toClient.Select(r => r.Verdict), Is.EqualTo(new[] { "generated", "dropped", "forwarded" }), "the -31008, the late answer on record as dropped, the ping's own answer");
    }

    [Test]
    [CancelAfter(20000)]
    public async Task TimedOutId_UpstreamNeverAnswers_IdFreeOnceTombstoneExpires(CancellationToken cancellationToken)
    {
        await using var spy = SpyUpstream.Start(SpyBehavior.Hang("ping"));
        await using var gateway = await StartAsync(spy, cancellationToken);
        await using var client = (await ConnectAsync(gateway, cancellationToken)).Client;
        await TimeOutSlowCallAsync(spy, client, cancellationToken);

        await client.SendAsync("""{"jsonrpc":"2.0","id":7,"method":"ping"}""", cancellationToken);
        var whileTombstoneLives = (await client.ReadLineAsync(cancellationToken))!;
        _clock.Advance(PastDeadline);
        await client.SendAsync("""{"jsonrpc":"2.0","id":7,"method":"ping"}""", cancellationToken);
        var afterTombstone = (await client.ReadLineAsync(cancellationToken))!;

        AssertGatewayError(whileTombstoneLives, -32600, "id_in_use", null);
        Assert.Multiple(() =>
        {
            Assert.That(Parse(afterTombstone)["id"]?.GetValue<int>(), Is.EqualTo(7), afterTombstone);
            Assert.That(Parse(afterTombstone)["result"]?["echo"]?.GetValue<string>(), Is.EqualTo("ping"), afterTombstone);
        });
    }

    [Test]
    [CancelAfter(20000)]
    public async Task TimedOutId_OtherIdsMeanwhile_RelayedAsUsual(CancellationToken cancellationToken)
    {
        await using var spy = SpyUpstream.Start(SpyBehavior.Hang("ping"));
        await using var gateway = await StartAsync(spy, cancellationToken);
        await using var client = (await ConnectAsync(gateway, cancellationToken)).Client;
        await TimeOutSlowCallAsync(spy, client, cancellationToken);

        await client.SendAsync("""{"jsonrpc":"2.0","id":8,"method":"ping"}""", cancellationToken);
        var other = (await client.ReadLineAsync(cancellationToken))!;

        Assert.That(Parse(other)["result"]?["echo"]?.GetValue<string>(), Is.EqualTo("ping"), other);
    }

    private async Task<GatewayHarness> StartAsync(SpyUpstream spy, CancellationToken cancellationToken)
    {
        var settings = GatewayHarness.Settings(GatewayHarness.Tcp("spy", spy.Port, RequestTimeout)) with
        {
            Audit = new AuditSettings(DatabasePath, AuditSettings.DefaultQueueCapacity, TimeSpan.FromSeconds(1)),
        };
        return await GatewayHarness.StartAsync(settings, cancellationToken, services => services.AddSingleton<TimeProvider>(_clock));
    }

    private static async Task<(RawMcpClient Client, string SessionId)> ConnectAsync(GatewayHarness gateway, CancellationToken cancellationToken)
    {
        var client = await RawMcpClient.ConnectAsync(gateway.Endpoint, cancellationToken);
        var authenticated = await client.AuthenticateAsync(null, cancellationToken);
        var sessionId = authenticated["result"]?["sessionId"]?.GetValue<string>() ?? throw new InvalidOperationException(authenticated.ToJsonString());
        await client.InitializeAsync(cancellationToken);
        return (client, sessionId);
    }

    /// <summary>
    /// Calls a tool the spy never answers as id 7, lets the request timeout pass, and returns once the client has its
    /// -31008 and the upstream its <c>notifications/cancelled</c>.
    /// </summary>
    private async Task<(SpyConnection Upstream, SpyLine Call)> TimeOutSlowCallAsync(SpyUpstream spy, RawMcpClient client, CancellationToken cancellationToken)
    {
        await client.SendAsync("""{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"slow","arguments":{}}}""", cancellationToken);
        var upstream = await spy.WaitForConnectionAsync(0, cancellationToken);
        var call = await upstream.WaitForLineAsync(l => l.Method == "tools/call", cancellationToken);

        // The deadline was set before the call was written; the sweep that passes it turns the call into a tombstone.
        _clock.Advance(PastDeadline);
        var timedOut = (await client.ReadLineAsync(cancellationToken))!;
        await upstream.WaitForLineAsync(l => l.Method == "notifications/cancelled", cancellationToken);

        AssertGatewayError(timedOut, -31008, "upstream_timeout", 7);
        return (upstream, call);
    }

    private async Task<List<AuditRecord>> RecordsAsync(CancellationToken cancellationToken)
    {
        await using var store = SqliteAuditStoreTestsAccess.Open(DatabasePath);
        var records = new List<AuditRecord>();
        await foreach (var stored in store.ReadAsync(1, cancellationToken))
        {
            records.Add(stored.Record);
        }

        return records;
    }
}
