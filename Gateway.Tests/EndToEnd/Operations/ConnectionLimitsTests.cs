using McpGateway.Core.Configuration;
using McpGateway.Tests.EndToEnd.Support;

namespace McpGateway.Tests.EndToEnd.Operations;

/// <summary>The <c>limits</c> on connections: in total, unauthenticated, per identity, and the idle timeout.</summary>
[TestFixture]
internal sealed class ConnectionLimitsTests
{
    [Test]
    [CancelAfter(30000)]
    public async Task Connect_BeyondMaxConnections_ClosedAtOnceAndAcceptedAgainWhenOneLeaves(CancellationToken cancellationToken)
    {
        await using var gateway = await StartAsync(new ConnectionLimits { MaxConnections = 2 }, cancellationToken);
        var first = await gateway.ConnectAsync("everything", cancellationToken);
        await using var second = await gateway.ConnectAsync("everything", cancellationToken);

        var thirdClosed = await IsClosedAtOnceAsync(gateway, cancellationToken);
        await first.DisposeAsync();
        await using var fourth = await ConnectWhenAdmittedAsync(gateway, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(thirdClosed, Is.True);
            Assert.That(fourth, Is.Not.Null);
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task Connect_BeyondMaxUnauthenticated_ClosedAtOnceWhileAuthenticatedOnesDoNotCount(CancellationToken cancellationToken)
    {
        await using var gateway = await StartAsync(new ConnectionLimits { MaxUnauthenticatedConnections = 1 }, cancellationToken);
        await using var authenticated = await gateway.ConnectAsync("everything", cancellationToken);
        await using var silent = await RawMcpClient.ConnectAsync(gateway.Endpoint, cancellationToken);
        await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);

        var beyondClosed = await IsClosedAtOnceAsync(gateway, cancellationToken);
        var auth = await silent.AuthenticateAsync("everything", cancellationToken);
        await using var next = await ConnectWhenAdmittedAsync(gateway, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(beyondClosed, Is.True);
            Assert.That(auth["result"], Is.Not.Null, "the one waiting connection could still authenticate");
            Assert.That(next, Is.Not.Null, "once it authenticated, it no longer counts as unauthenticated");
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task Authenticate_BeyondMaxConnectionsPerIdentity_Gets31009TooManyConnections(CancellationToken cancellationToken)
    {
        await using var gateway = await StartAsync(new ConnectionLimits { MaxConnectionsPerIdentity = 1 }, cancellationToken);
        var first = await gateway.ConnectAsync("everything", cancellationToken);

        await using var second = await RawMcpClient.ConnectAsync(gateway.Endpoint, cancellationToken);
        var refused = await second.AuthenticateAsync("everything", cancellationToken);
        var secondClosed = await second.IsClosedByGatewayAsync(cancellationToken);
        await first.DisposeAsync();
        await using var third = await ConnectWhenAdmittedAsync(gateway, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That((int?)refused["error"]?["code"], Is.EqualTo(-31009), refused.ToJsonString());
            Assert.That((string?)refused["error"]?["data"]?["reason"], Is.EqualTo("too_many_connections"));
            Assert.That(secondClosed, Is.True);
            Assert.That(third, Is.Not.Null, "the subject's count went down when its session ended");
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task Session_IdleBeyondIdleTimeout_IsClosedWhileAnActiveOneStaysOpen(CancellationToken cancellationToken)
    {
        // The active session pings far more often than the timeout, so that a loaded machine cannot make it look idle.
        await using var gateway = await StartAsync(new ConnectionLimits { IdleTimeout = TimeSpan.FromSeconds(3) }, cancellationToken);
        await using var idle = await gateway.ConnectAsync("everything", cancellationToken);
        await using var active = await gateway.ConnectAsync("everything", cancellationToken);
        await active.InitializeAsync(cancellationToken);

        var idleClosed = idle.IsClosedByGatewayAsync(cancellationToken);
        var pings = 0;
        while (!idleClosed.IsCompleted)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
            var ping = await active.RequestAsync(100 + pings++, "ping", null, cancellationToken);
            Assert.That(ping["result"], Is.Not.Null, ping.ToJsonString());
        }

        Assert.Multiple(async () =>
        {
            Assert.That(await idleClosed, Is.True);
            Assert.That(pings, Is.GreaterThanOrEqualTo(4), "the idle session outlived several pings of the active one");
        });
    }

    private static Task<GatewayHarness> StartAsync(ConnectionLimits limits, CancellationToken cancellationToken) =>
        GatewayHarness.StartAsync(GatewayHarness.Settings(GatewayHarness.Everything()) with { ConnectionLimits = limits }, cancellationToken);

    /// <summary>True when a new connection is reset while connecting, or closed without a word before it sent anything.</summary>
    private static async Task<bool> IsClosedAtOnceAsync(GatewayHarness gateway, CancellationToken cancellationToken)
    {
        RawMcpClient client;
        try
        {
            client = await RawMcpClient.ConnectAsync(gateway.Endpoint, cancellationToken);
        }
        catch (System.Net.Sockets.SocketException)
        {
            return true;
        }

        await using (client)
        {
            return await client.IsClosedByGatewayAsync(cancellationToken);
        }
    }

    /// <summary>Counts are given back when the gateway notices a close; retries briefly until a new session is admitted.</summary>
    private static async Task<RawMcpClient> ConnectWhenAdmittedAsync(GatewayHarness gateway, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            RawMcpClient? client = null;
            try
            {
                client = await RawMcpClient.ConnectAsync(gateway.Endpoint, cancellationToken);
                var auth = await client.AuthenticateAsync("everything", cancellationToken);
                if (auth["result"] is not null)
                {
                    return client;
                }
            }
            catch (Exception ex) when (ex is EndOfStreamException or IOException or System.Net.Sockets.SocketException && attempt < 20)
            {
            }

            if (client is not null)
            {
                await client.DisposeAsync();
            }

            if (attempt >= 20)
            {
                Assert.Fail("no new session was admitted");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }
}
