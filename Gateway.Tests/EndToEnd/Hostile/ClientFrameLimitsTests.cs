using McpGateway.Core.Framing;
using McpGateway.Tests.EndToEnd.Support;
using static McpGateway.Tests.EndToEnd.Hostile.HostileWire;

namespace McpGateway.Tests.EndToEnd.Hostile;

/// <summary>
/// Configured client limits (1024 bytes, depth 8): a frame over either gets -32600 and is never forwarded. Over the
/// depth the connection goes on with the next frame; over the size it is closed (no resynchronising on a newline).
/// </summary>
[TestFixture]
internal sealed class ClientFrameLimitsTests
{
    private const int MaxFrameBytes = 1024;
    private const int MaxDepth = 8;

    private SpyUpstream _spy = null!;
    private GatewayHarness _gateway = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        _spy = SpyUpstream.Start(SpyBehavior.Echo);
        var settings = GatewayHarness.Settings(GatewayHarness.Tcp("spy", _spy.Port)) with
        {
            ClientLimits = new FrameLimits(MaxFrameBytes, MaxDepth),
        };
        _gateway = await GatewayHarness.StartAsync(settings, timeout.Token);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _gateway.DisposeAsync();
        await _spy.DisposeAsync();
    }

    [Test]
    [CancelAfter(10000)]
    public async Task ClientFrame_2000BytesOverLimit1024_FrameTooLargeThenClosed(CancellationToken cancellationToken)
    {
        await using var client = await _gateway.ConnectAsync(null, cancellationToken);
        var pingId = NewId("ping");

        // Small enough to arrive in one read: the gateway closes without unread bytes, so no reset hides its error.
        await client.SendRawAsync([.. WithNewline(ClientFrameRulesTests.PaddedPing("big", 2000)), .. WithNewline(Ping(pingId))], cancellationToken);
        var error = await client.ReadLineAsync(cancellationToken);
        var closed = await client.IsClosedByGatewayAsync(cancellationToken);

        AssertGatewayError(error!, -32600, "frame_too_large", null);
        Assert.Multiple(() =>
        {
            Assert.That(closed, Is.True);
            Assert.That(_spy.Connections.SelectMany(c => c.Lines).Any(l => l.Bytes.AsSpan().SequenceEqual(Ping(pingId))), Is.False);
        });
    }

    [Test]
    [CancelAfter(10000)]
    public async Task ClientFrame_OverLimitArrivingInPieces_FrameTooLargeOnceThenClosed(CancellationToken cancellationToken)
    {
        await using var client = await _gateway.ConnectAsync(null, cancellationToken);
        var frame = WithNewline(ClientFrameRulesTests.PaddedPing("big", 5000));

        // Two pieces, no newline: the second takes the line past the limit, which is seen without waiting for more.
        foreach (var piece in frame.Chunk(700).Take(2))
        {
            await client.SendRawAsync(piece, cancellationToken);
            await Task.Delay(20, cancellationToken);
        }

        var error = await client.ReadLineAsync(cancellationToken);
        var closed = await client.IsClosedByGatewayAsync(cancellationToken);

        AssertGatewayError(error!, -32600, "frame_too_large", null);
        Assert.That(closed, Is.True);
    }

    [Test]
    [CancelAfter(10000)]
    public async Task ClientFrame_ExactlyAtLimit1024_ForwardedByteExact(CancellationToken cancellationToken)
    {
        await using var client = await _gateway.ConnectAsync(null, cancellationToken);
        var frame = ClientFrameRulesTests.PaddedPing("at-limit", MaxFrameBytes);

        await client.SendRawAsync(WithNewline(frame), cancellationToken);
        var response = await client.ReadLineAsync(cancellationToken);

        var upstream = await _spy.WaitForLineAsync(frame, cancellationToken);
        AssertEchoed(response!, "at-limit");
        Assert.That(Received(upstream), Is.EqualTo(new[] { frame }));
    }

    [Test]
    [CancelAfter(10000)]
    public async Task ClientFrame_NestedOneOverConfiguredDepth_TooDeepAndAtDepthForwarded(CancellationToken cancellationToken)
    {
        await using var client = await _gateway.ConnectAsync(null, cancellationToken);
        var atLimit = Utf8(HostileFrames.Nested(MaxDepth, arrays: false));

        await client.SendRawAsync(WithNewline(Utf8(HostileFrames.Nested(MaxDepth + 1, arrays: false))), cancellationToken);
        await client.SendRawAsync(WithNewline(atLimit), cancellationToken);
        var lines = await ReadLinesAsync(client, 2, cancellationToken);

        var upstream = await _spy.WaitForLineAsync(atLimit, cancellationToken);
        Assert.Multiple(() =>
        {
            Assert.That(lines.Count(l => l.Contains("\"error\"", StringComparison.Ordinal)), Is.EqualTo(1), string.Join(" | ", lines));
            Assert.That(Received(upstream), Is.EqualTo(new[] { atLimit }));
        });
        AssertGatewayError(lines.Single(l => l.Contains("\"error\"", StringComparison.Ordinal)), -32600, "nesting_too_deep", null);
    }
}
