using System.Text.Json.Nodes;
using McpGateway.Host.Bridge;

namespace McpGateway.Tests.Bridge;

/// <summary>The bridge's relay against a scripted gateway: authenticate first, renewals of its own, bytes otherwise untouched.</summary>
[TestFixture]
internal sealed class BridgeRelayTests
{
    private const string Initialize = """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}""";

    [Test]
    [CancelAfter(10000)]
    public async Task RunAsync_GatewayRefusesAuthenticate_ExitsWithReasonAndRelaysNothing(CancellationToken cancellationToken)
    {
        await using var rig = await RelayRig.StartAsync(cancellationToken);
        await rig.ClientWriteAsync(Initialize + "\n", cancellationToken);

        var authenticate = await rig.Gateway.ReadAsync(cancellationToken);
        await rig.Gateway.RefuseAsync(authenticate["id"], -31001, "invalid_token", "Unauthenticated: the token was not accepted", cancellationToken);
        rig.Gateway.Close();
        var outcome = await rig.Run;

        Assert.Multiple(() =>
        {
            Assert.That(authenticate["method"]?.GetValue<string>(), Is.EqualTo("mcpgateway/authenticate"));
            Assert.That(authenticate["id"]?.GetValue<string>(), Is.EqualTo(BridgeRelay.AuthenticateId));
            Assert.That(authenticate["params"]?["token"]?.GetValue<string>(), Is.EqualTo("token-1"));
            Assert.That(authenticate["params"]?["connection"]?.GetValue<string>(), Is.EqualTo("everything"));
            Assert.That(outcome.ExitCode, Is.EqualTo(BridgeExitCodes.AuthenticationFailed));
            Assert.That(outcome.Message, Does.Contain("-31001 invalid_token (Unauthenticated: the token was not accepted)"));
        });
    }

    [Test]
    [CancelAfter(10000)]
    public async Task Renewal_AtEightyPercentOfLifetime_SendsFreshTokenAndSwallowsTheAnswer(CancellationToken cancellationToken)
    {
        await using var rig = await RelayRig.StartAsync(cancellationToken);
        await rig.AuthenticateAsync(TimeSpan.FromSeconds(100), cancellationToken);

        rig.Clock.Advance(TimeSpan.FromSeconds(79));
        await rig.ClientWriteAsync(Initialize + "\n", cancellationToken);
        var beforeRenewal = await rig.Gateway.ReadLineAsync(cancellationToken);
        rig.Clock.Advance(TimeSpan.FromSeconds(1));
        var renewal = await rig.Gateway.ReadAsync(cancellationToken);

        // Around the renewal's answer: a frame before, one that merely quotes the renewal id, and one after.
        await rig.Gateway.WriteLineAsync("""{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info"}}""", cancellationToken);
        await rig.Gateway.AcceptAuthenticateAsync(renewal, rig.Clock.GetUtcNow() + TimeSpan.FromSeconds(100), cancellationToken);
        await rig.Gateway.WriteLineAsync("""{"jsonrpc":"2.0","id":1,"result":{"text":"the id \"mcpgw-bridge-renew-1\" in a result"}}""", cancellationToken);
        var relayed = new[] { await rig.ClientReadLineAsync(cancellationToken), await rig.ClientReadLineAsync(cancellationToken) };

        rig.Clock.Advance(TimeSpan.FromSeconds(80));
        var second = await rig.Gateway.ReadAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(beforeRenewal, Is.EqualTo(Initialize));
            Assert.That(renewal["id"]?.GetValue<string>(), Is.EqualTo(BridgeRelay.RenewalIdPrefix + "1"));
            Assert.That(renewal["method"]?.GetValue<string>(), Is.EqualTo("mcpgateway/authenticate"));
            Assert.That(renewal["params"]?["token"]?.GetValue<string>(), Is.EqualTo("token-2"));
            Assert.That(relayed[0], Does.Contain("notifications/message"));
            Assert.That(relayed[1], Does.Contain("\"id\":1"));
            Assert.That(rig.Relay.RenewalsSucceeded, Is.EqualTo(1));
            Assert.That(second["id"]?.GetValue<string>(), Is.EqualTo(BridgeRelay.RenewalIdPrefix + "2"));
            Assert.That(second["params"]?["token"]?.GetValue<string>(), Is.EqualTo("token-3"));
        });
    }

    [Test]
    [CancelAfter(10000)]
    public async Task Renewal_Refused_IsSwallowedAndRetried(CancellationToken cancellationToken)
    {
        await using var rig = await RelayRig.StartAsync(cancellationToken);
        await rig.AuthenticateAsync(TimeSpan.FromSeconds(100), cancellationToken);

        rig.Clock.Advance(TimeSpan.FromSeconds(80));
        var renewal = await rig.Gateway.ReadAsync(cancellationToken);
        await rig.Gateway.RefuseAsync(renewal["id"], -31001, "invalid_token", "Unauthenticated", cancellationToken);
        await rig.Gateway.WriteLineAsync("""{"jsonrpc":"2.0","method":"notifications/after"}""", cancellationToken);
        var relayed = await rig.ClientReadLineAsync(cancellationToken);
        rig.Clock.Advance(TimeSpan.FromSeconds(5));
        var retry = await rig.Gateway.ReadAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(relayed, Does.Contain("notifications/after"));
            Assert.That(retry["id"]?.GetValue<string>(), Is.EqualTo(BridgeRelay.RenewalIdPrefix + "2"));
        });
    }

    [Test]
    [CancelAfter(10000)]
    public async Task Renewal_DuringAPartialClientLine_GoesOutBetweenWholeLines(CancellationToken cancellationToken)
    {
        await using var rig = await RelayRig.StartAsync(cancellationToken);
        await rig.AuthenticateAsync(TimeSpan.FromSeconds(100), cancellationToken);

        await rig.ClientWriteAsync(Initialize[..20], cancellationToken);
        await Task.Delay(50, cancellationToken);
        rig.Clock.Advance(TimeSpan.FromSeconds(80));
        var first = await rig.Gateway.ReadAsync(cancellationToken);
        await rig.ClientWriteAsync(Initialize[20..] + "\n", cancellationToken);
        var second = await rig.Gateway.ReadLineAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(first["id"]?.GetValue<string>(), Is.EqualTo(BridgeRelay.RenewalIdPrefix + "1"));
            Assert.That(second, Is.EqualTo(Initialize));
        });
    }

    [Test]
    [CancelAfter(10000)]
    public async Task Relay_LargeFramesBothWays_ArriveWholeAndInOrder(CancellationToken cancellationToken)
    {
        await using var rig = await RelayRig.StartAsync(cancellationToken);
        await rig.AuthenticateAsync(TimeSpan.FromSeconds(100), cancellationToken);
        var big = new string('x', 300 * 1024);
        var fromClient = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"message\":\"" + big + "\"}}}";
        var fromGateway = "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"" + big + "\"}]}}";

        // The client's frame in uneven pieces, with a small one behind it.
        for (var offset = 0; offset < fromClient.Length; offset += 70001)
        {
            await rig.ClientWriteAsync(fromClient.Substring(offset, Math.Min(70001, fromClient.Length - offset)), cancellationToken);
        }

        await rig.ClientWriteAsync("\n" + Initialize + "\n", cancellationToken);
        var received = new[] { await rig.Gateway.ReadLineAsync(cancellationToken), await rig.Gateway.ReadLineAsync(cancellationToken) };
        await rig.Gateway.WriteLineAsync(fromGateway, cancellationToken);
        await rig.Gateway.WriteLineAsync("""{"jsonrpc":"2.0","method":"notifications/small"}""", cancellationToken);
        var relayed = new[] { await rig.ClientReadLineAsync(cancellationToken), await rig.ClientReadLineAsync(cancellationToken) };

        Assert.Multiple(() =>
        {
            Assert.That(received[0], Is.EqualTo(fromClient));
            Assert.That(received[1], Is.EqualTo(Initialize));
            Assert.That(relayed[0], Is.EqualTo(fromGateway));
            Assert.That(relayed[1], Does.Contain("notifications/small"));
        });
    }

    [Test]
    [CancelAfter(10000)]
    public async Task Relay_ClientClosesStdin_ClosesTheConnectionAndExitsZero(CancellationToken cancellationToken)
    {
        await using var rig = await RelayRig.StartAsync(cancellationToken);
        await rig.AuthenticateAsync(TimeSpan.FromSeconds(100), cancellationToken);

        await rig.ClientWriteAsync(Initialize + "\n", cancellationToken);
        await rig.ClientCloseAsync();
        var last = await rig.Gateway.ReadLineAsync(cancellationToken);
        var end = await rig.Gateway.ReadLineAsync(cancellationToken);
        var outcome = await rig.Run;

        Assert.Multiple(() =>
        {
            Assert.That(last, Is.EqualTo(Initialize));
            Assert.That(end, Is.Null);
            Assert.That(outcome.ExitCode, Is.EqualTo(BridgeExitCodes.ClientClosed));
        });
    }

    [Test]
    [CancelAfter(10000)]
    public async Task Relay_GatewayCloses_FlushesAndExitsOne(CancellationToken cancellationToken)
    {
        await using var rig = await RelayRig.StartAsync(cancellationToken);
        await rig.AuthenticateAsync(TimeSpan.FromSeconds(100), cancellationToken);

        await rig.Gateway.WriteLineAsync("""{"jsonrpc":"2.0","method":"notifications/last"}""", cancellationToken);
        rig.Gateway.Close();
        var outcome = await rig.Run;
        var last = await rig.ClientReadLineAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(last, Does.Contain("notifications/last"));
            Assert.That(outcome.ExitCode, Is.EqualTo(BridgeExitCodes.GatewayClosed));
        });
    }

    [Test]
    public void AuthenticateFrame_EscapesTheTokenAndOmitsItWhenAbsent()
    {
        var withToken = JsonNode.Parse(BridgeRelay.AuthenticateFrame("a", "to\"ken\n", "c"))!;
        var certificateOnly = JsonNode.Parse(BridgeRelay.AuthenticateFrame("a", null, "c"))!;

        Assert.Multiple(() =>
        {
            Assert.That(withToken["params"]?["token"]?.GetValue<string>(), Is.EqualTo("to\"ken\n"));
            Assert.That(certificateOnly["params"]?.AsObject().ContainsKey("token"), Is.False);
            Assert.That(BridgeRelay.AuthenticateFrame("a", null, "c")[^1], Is.EqualTo((byte)'\n'));
        });
    }
}
