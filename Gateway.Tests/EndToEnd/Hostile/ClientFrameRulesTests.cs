using System.Text;
using System.Text.Json.Nodes;
using McpGateway.Tests.EndToEnd.Support;
using static McpGateway.Tests.EndToEnd.Hostile.HostileWire;

namespace McpGateway.Tests.EndToEnd.Hostile;

/// <summary>
/// The parsing rule of the wire contract, from the client side: every frame that breaks it gets its error, with
/// the id when it can be recovered, and never reaches the upstream. A ping sent after it and answered proves the
/// upstream would have seen the hostile frame first.
/// </summary>
[TestFixture]
internal sealed class ClientFrameRulesTests
{
    private SpyUpstream _spy = null!;
    private GatewayHarness _gateway = null!;

    private static IEnumerable<TestCaseData> RejectedCases =>
        HostileFrames.Rejected.Select(c => new TestCaseData(c).SetArgDisplayNames(c.Name));

    private static IEnumerable<TestCaseData> AcceptedCases =>
        HostileFrames.Accepted.Select(c => new TestCaseData(c.Frame, c.Id).SetArgDisplayNames(c.Name));

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        _spy = SpyUpstream.Start(SpyBehavior.Echo);
        _gateway = await GatewayHarness.StartAsync(timeout.Token, GatewayHarness.Tcp("spy", _spy.Port));
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _gateway.DisposeAsync();
        await _spy.DisposeAsync();
    }

    [TestCaseSource(nameof(RejectedCases))]
    [CancelAfter(10000)]
    public async Task ClientFrame_BreaksParsingRule_ErrorAndNeverForwarded(HostileCase hostile, CancellationToken cancellationToken)
    {
        await using var client = await _gateway.ConnectAsync(null, cancellationToken);
        var pingId = NewId("ping");

        await client.SendRawAsync(WithNewline(hostile.Frame), cancellationToken);
        await client.SendRawAsync(WithNewline(Ping(pingId)), cancellationToken);
        var lines = await ReadLinesAsync(client, 2, cancellationToken);

        var upstream = await _spy.WaitForLineAsync(Ping(pingId), cancellationToken);
        Assert.That(lines.Count(l => IsResponseTo(l, pingId)), Is.EqualTo(1), string.Join(" | ", lines));
        AssertGatewayError(lines.Single(l => !IsResponseTo(l, pingId)), hostile.Code, hostile.Reason, hostile.Id);
        Assert.That(Received(upstream), Is.EqualTo(new[] { Ping(pingId) }), upstream.Describe());
    }

    [Test]
    [CancelAfter(15000)]
    public async Task ClientFrames_AllHostileOnOneConnection_OneErrorEachNoInternalErrorOnlyPingForwarded(CancellationToken cancellationToken)
    {
        await using var client = await _gateway.ConnectAsync(null, cancellationToken);
        var pingId = NewId("ping");
        var hostile = HostileFrames.Rejected;

        await client.SendRawAsync([.. hostile.SelectMany(c => WithNewline(c.Frame)), .. WithNewline(Ping(pingId))], cancellationToken);
        var lines = await ReadLinesAsync(client, hostile.Count + 1, cancellationToken);

        var upstream = await _spy.WaitForLineAsync(Ping(pingId), cancellationToken);
        var errors = lines.Where(l => !IsResponseTo(l, pingId)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(lines.Where(l => !l.Contains("\"error\"", StringComparison.Ordinal)).ToList(), Has.Count.EqualTo(1), "only the ping is answered with a result");
            Assert.That(errors.Select(l => (int?)Parse(l)["error"]?["code"]), Is.All.AnyOf(-32700, -32600), "-32603 must never be produced by hostile input");
            Assert.That(errors.Select(l => (string?)Parse(l)["error"]?["data"]?["reason"]), Is.EqualTo(hostile.Select(c => c.Reason)), "one error per frame, in order");
            Assert.That(lines, Has.None.Contain(Marker));
            Assert.That(Received(upstream), Is.EqualTo(new[] { Ping(pingId) }), upstream.Describe());
        });
    }

    [TestCaseSource(nameof(AcceptedCases))]
    [CancelAfter(10000)]
    public async Task ClientFrame_JustInsideParsingRule_ForwardedByteExact(byte[] frame, JsonNode id, CancellationToken cancellationToken)
    {
        await using var client = await _gateway.ConnectAsync(null, cancellationToken);

        await client.SendRawAsync(WithNewline(frame), cancellationToken);
        var response = await client.ReadAsync(cancellationToken);

        var upstream = await _spy.WaitForLineAsync(frame, cancellationToken);
        Assert.Multiple(() =>
        {
            Assert.That(JsonNode.DeepEquals(response["id"], id), Is.True, response.ToJsonString());
            Assert.That((string?)response["result"]?["echo"], Is.EqualTo("ping"), response.ToJsonString());
            Assert.That(Received(upstream), Is.EqualTo(new[] { frame }));
        });
    }

    [Test]
    [CancelAfter(10000)]
    public async Task ClientFrame_CrLfTerminated_ForwardedWithoutCarriageReturn(CancellationToken cancellationToken)
    {
        await using var client = await _gateway.ConnectAsync(null, cancellationToken);
        var pingId = NewId("crlf");

        await client.SendRawAsync([.. Ping(pingId), (byte)'\r', (byte)'\n'], cancellationToken);
        var response = await client.ReadLineAsync(cancellationToken);

        var upstream = await _spy.WaitForLineAsync(Ping(pingId), cancellationToken);
        AssertEchoed(response!, pingId);
        Assert.That(Received(upstream), Is.EqualTo(new[] { Ping(pingId) }));
    }

    [Test]
    [CancelAfter(10000)]
    public async Task ClientFrame_DuplicateMemberAroundMarker_ErrorNeverEchoesInput(CancellationToken cancellationToken)
    {
        await using var client = await _gateway.ConnectAsync(null, cancellationToken);
        var frame = """{"jsonrpc":"2.0","id":"m-1","method":"tools/call","params":{"name":"%M%","name":"%M%","arguments":{"%M%":"%M%"}}}"""
            .Replace("%M%", Marker, StringComparison.Ordinal);

        await client.SendAsync(frame, cancellationToken);
        var line = await client.ReadLineAsync(cancellationToken);

        Assert.That(line, Does.Not.Contain(Marker));
        AssertGatewayError(line!, -32600, "duplicate_member", "m-1");
    }

    [Test]
    [CancelAfter(20000)]
    public async Task ClientFrame_ExactlyDefaultSizeLimit_ForwardedByteExact(CancellationToken cancellationToken)
    {
        await using var client = await _gateway.ConnectAsync(null, cancellationToken);
        var frame = PaddedPing("big-1", 4 * 1024 * 1024);

        await client.SendRawAsync(WithNewline(frame), cancellationToken);
        var response = await client.ReadLineAsync(cancellationToken);

        var upstream = await _spy.WaitForLineAsync(frame, cancellationToken);
        AssertEchoed(response!, "big-1");
        Assert.That(Received(upstream).Single(), Has.Length.EqualTo(frame.Length));
    }

    [Test]
    [CancelAfter(20000)]
    public async Task ClientFrame_OneByteOverDefaultSizeLimit_FrameTooLargeThenClosed(CancellationToken cancellationToken)
    {
        await using var client = await _gateway.ConnectAsync(null, cancellationToken);

        await client.SendRawAsync(WithNewline(PaddedPing("big-2", (4 * 1024 * 1024) + 1)), cancellationToken);
        var error = await client.ReadLineAsync(cancellationToken);
        var closed = await client.IsClosedByGatewayAsync(cancellationToken);

        AssertGatewayError(error!, -32600, "frame_too_large", null);
        Assert.Multiple(() =>
        {
            Assert.That(closed, Is.True);
            Assert.That(_spy.Connections.SelectMany(c => c.Lines).Any(l => l.Text.Contains("big-2", StringComparison.Ordinal)), Is.False);
        });
    }

    /// <summary>A ping whose params pad it to exactly <paramref name="length"/> bytes.</summary>
    internal static byte[] PaddedPing(string id, int length)
    {
        var head = $"{{\"jsonrpc\":\"2.0\",\"id\":\"{id}\",\"method\":\"ping\",\"params\":{{\"m\":\"{Marker}\",\"pad\":\"";
        const string Tail = "\"}}";
        return Encoding.UTF8.GetBytes(string.Concat(head, new string('x', length - head.Length - Tail.Length), Tail));
    }
}
