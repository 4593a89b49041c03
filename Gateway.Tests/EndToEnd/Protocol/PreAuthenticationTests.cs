using System.Diagnostics;
using System.Text.Json.Nodes;
using McpGateway.Core.Configuration;
using McpGateway.Tests.EndToEnd.Support;

namespace McpGateway.Tests.EndToEnd.Protocol;

/// <summary>
/// What happens before a session exists: anything but a successful <c>mcpgateway/authenticate</c> first gets one
/// error and the connection is closed, and none of it harms the gateway, which serves the next good session.
/// </summary>
[TestFixture]
internal sealed class PreAuthenticationTests
{
    private const string Connection = "everything";
    private const string BrokenConnection = "broken";

    private static readonly TimeSpan _preAuthTimeout = TimeSpan.FromSeconds(1);

    private GatewayHarness _gateway = null!;

    [OneTimeSetUp]
    public async Task StartGatewayAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var settings = GatewayHarness.Settings(
            GatewayHarness.Everything(Connection),
            new StdioConnectionSettings { Name = BrokenConnection, Command = "/nonexistent/binary" }) with
        {
            PreAuthTimeout = _preAuthTimeout,
        };
        _gateway = await GatewayHarness.StartAsync(settings, timeout.Token);
    }

    [OneTimeTearDown]
    public async Task StopGatewayAsync() => await _gateway.DisposeAsync();

    [Test]
    [CancelAfter(15000)]
    public async Task FirstFrame_NotAuthenticate_RefusedWithUnauthenticatedAndClosed(CancellationToken cancellationToken)
    {
        await using var client = await RawMcpClient.ConnectAsync(_gateway.Endpoint, cancellationToken);

        await client.SendAsync("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""", cancellationToken);
        var refusal = await client.ReadAsync(cancellationToken);

        AssertRefusal(refusal, JsonValue.Create(1), -31001, "unauthenticated");
        Assert.That(await client.IsClosedByGatewayAsync(cancellationToken), Is.True);
        await AssertGatewayServesNewSessionAsync(cancellationToken);
    }

    [Test]
    [CancelAfter(15000)]
    public async Task Connection_SilentPastPreAuthTimeout_RefusedWithAuthenticationTimeoutAndClosed(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await using var client = await RawMcpClient.ConnectAsync(_gateway.Endpoint, cancellationToken);

        var refusal = await client.ReadAsync(cancellationToken);
        var waited = clock.Elapsed;

        AssertRefusal(refusal, null, -31001, "authentication_timeout");
        Assert.That(waited, Is.GreaterThanOrEqualTo(_preAuthTimeout - TimeSpan.FromMilliseconds(100)).And.LessThan(_preAuthTimeout * 5));
        Assert.That(await client.IsClosedByGatewayAsync(cancellationToken), Is.True);
        await AssertGatewayServesNewSessionAsync(cancellationToken);
    }

    [Test]
    [CancelAfter(15000)]
    public async Task Authenticate_UnknownConnection_RefusedWithUnknownConnectionAndClosed(CancellationToken cancellationToken)
    {
        await using var client = await RawMcpClient.ConnectAsync(_gateway.Endpoint, cancellationToken);

        var refusal = await client.AuthenticateAsync("no-such-connection", cancellationToken);

        AssertRefusal(refusal, JsonValue.Create("auth-1"), -31001, "unknown_connection");
        Assert.That(await client.IsClosedByGatewayAsync(cancellationToken), Is.True);
        await AssertGatewayServesNewSessionAsync(cancellationToken);
    }

    [Test]
    [CancelAfter(15000)]
    public async Task Authenticate_UpstreamCommandCannotStart_RefusedWithUpstreamUnavailableAndClosed(CancellationToken cancellationToken)
    {
        await using var client = await RawMcpClient.ConnectAsync(_gateway.Endpoint, cancellationToken);

        var refusal = await client.AuthenticateAsync(BrokenConnection, cancellationToken);

        AssertRefusal(refusal, JsonValue.Create("auth-1"), -31007, "upstream_unavailable");
        Assert.That(await client.IsClosedByGatewayAsync(cancellationToken), Is.True);
        await AssertGatewayServesNewSessionAsync(cancellationToken);
    }

    private static void AssertRefusal(JsonObject refusal, JsonNode? id, int code, string reason) => Assert.Multiple(() =>
    {
        Assert.That(JsonNode.DeepEquals(refusal["id"], id), Is.True, $"id of {refusal.ToJsonString()}");
        Assert.That(refusal["result"], Is.Null);
        Assert.That(refusal["error"]?["code"]?.GetValue<int>(), Is.EqualTo(code));
        Assert.That(refusal["error"]?["data"]?["reason"]?.GetValue<string>(), Is.EqualTo(reason));
    });

    private async Task AssertGatewayServesNewSessionAsync(CancellationToken cancellationToken)
    {
        await using var client = await _gateway.ConnectAsync(Connection, cancellationToken);
        await client.InitializeAsync(cancellationToken);

        var echo = await client.RequestAsync(1, "tools/call", new JsonObject
        {
            ["name"] = "echo",
            ["arguments"] = new JsonObject { ["message"] = "still serving" },
        }, cancellationToken);

        Assert.That(echo["result"]?["content"]?[0]?["text"]?.GetValue<string>(), Is.EqualTo("Echo: still serving"));
    }
}
