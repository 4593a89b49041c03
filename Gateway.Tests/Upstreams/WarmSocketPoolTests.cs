using System.Net;
using System.Net.Sockets;
using McpGateway.Core.Configuration;
using McpGateway.Core.Upstreams;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Policy;
using Microsoft.Extensions.Logging;

namespace McpGateway.Tests.Upstreams;

/// <summary>The pool on its own, against plain loopback sockets: filling, taking, an upstream that is not there yet, disposal.</summary>
[TestFixture]
internal sealed class WarmSocketPoolTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(10);

    [Test]
    [CancelAfter(15000)]
    public async Task TryTake_PoolFilled_GivesConnectedSocketsThenRefills(CancellationToken cancellationToken)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        await using var pool = new WarmSocketPool(Settings(listener, 2), TimeProvider.System, new CapturingLogger<WarmSocketPool>());
        pool.Start();
        Assert.That(await Eventually.TrueAsync(() => pool.Idle == 2, Within, cancellationToken), Is.True, "filled to its target");

        Assert.That(pool.TryTake(out Socket? first), Is.True);
        using (first)
        {
            Assert.Multiple(() =>
            {
                Assert.That(first!.Connected, Is.True);
                Assert.That(((IPEndPoint)first.RemoteEndPoint!).Port, Is.EqualTo(((IPEndPoint)listener.LocalEndpoint).Port));
            });
        }

        Assert.That(await Eventually.TrueAsync(() => pool.Idle == 2, Within, cancellationToken), Is.True, "refilled after the take");
    }

    [Test]
    [CancelAfter(15000)]
    public async Task Start_UpstreamNotListeningYet_WaitsAndFillsOnceItListens(CancellationToken cancellationToken)
    {
        // Bound but not listening: connects are refused until Listen, and nobody else can take the port meanwhile.
        using var upstream = new Socket(SocketType.Stream, ProtocolType.Tcp);
        upstream.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var settings = new TcpConnectionSettings { Name = "late", Host = "127.0.0.1", Port = ((IPEndPoint)upstream.LocalEndPoint!).Port, WarmConnections = 1 };
        var logger = new CapturingLogger<WarmSocketPool>();
        await using var pool = new WarmSocketPool(settings, TimeProvider.System, logger);

        pool.Start();
        Assert.That(await Eventually.TrueAsync(() => !logger.Entries.IsEmpty, Within, cancellationToken), Is.True, "the refused connect was logged");
        Assert.Multiple(() =>
        {
            Assert.That(pool.TryTake(out _), Is.False, "nothing to take: the session connects as usual");
            Assert.That(logger.Entries.Select(e => e.Level), Is.All.EqualTo(LogLevel.Warning));
            Assert.That(logger.Entries.First().Message, Does.Contain("late").And.Contain("sessions connect as usual"));
        });

        upstream.Listen();
        Assert.That(await Eventually.TrueAsync(() => pool.Idle == 1, Within, cancellationToken), Is.True, "filled after its back-off");
        Assert.That(logger.Entries, Has.Count.EqualTo(1), "one failure, one wait: no retry storm");
    }

    [Test]
    [CancelAfter(15000)]
    public async Task DisposeAsync_SocketsIdle_ClosesThemAndTakesNoMore(CancellationToken cancellationToken)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var pool = new WarmSocketPool(Settings(listener, 1), TimeProvider.System, new CapturingLogger<WarmSocketPool>());
        pool.Start();
        using var accepted = await listener.AcceptSocketAsync(cancellationToken);

        await pool.DisposeAsync();
        var buffer = new byte[1];
        var read = await accepted.ReceiveAsync(buffer, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(read, Is.Zero, "the upstream sees the socket closed");
            Assert.That(pool.Idle, Is.Zero);
            Assert.That(pool.TryTake(out _), Is.False);
        });
    }

    private static TcpConnectionSettings Settings(TcpListener listener, int warm) => new()
    {
        Name = "pool",
        Host = "127.0.0.1",
        Port = ((IPEndPoint)listener.LocalEndpoint).Port,
        WarmConnections = warm,
    };
}
