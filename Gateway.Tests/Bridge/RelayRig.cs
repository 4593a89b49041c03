using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using McpGateway.Host.Bridge;
using McpGateway.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpGateway.Tests.Bridge;

/// <summary>A <see cref="BridgeRelay"/> in the test process: its stdin and stdout are pipes the test writes and reads, its gateway a <see cref="FakeGateway"/>.</summary>
internal sealed class RelayRig : IAsyncDisposable
{
    private const string Initialized = """{"jsonrpc":"2.0","method":"notifications/initialized"}""";

    private readonly Pipe _stdin = new();
    private readonly Pipe _stdout = new();
    private readonly TcpClient _tcp = new() { NoDelay = true };
    private readonly StreamReader _output;

    private RelayRig()
    {
        _output = new StreamReader(_stdout.Reader.AsStream(), Encoding.UTF8, false, 1024 * 1024);
    }

    public FakeGateway Gateway { get; } = new();

    public ManualTimeProvider Clock { get; } = new();

    public SequenceTokenSource Tokens { get; } = new();

    public BridgeRelay Relay { get; private set; } = null!;

    public Task<BridgeOutcome> Run { get; private set; } = null!;

    /// <summary>Connects a relay to the fake gateway and starts it; the gateway has accepted but not answered yet.</summary>
    public static async Task<RelayRig> StartAsync(CancellationToken cancellationToken)
    {
        var rig = new RelayRig();
        var accept = rig.Gateway.AcceptAsync(cancellationToken);
        await rig._tcp.ConnectAsync(IPAddress.Loopback, rig.Gateway.Port, cancellationToken);
        await accept;
        rig.Relay = new BridgeRelay(rig._stdin.Reader.AsStream(), rig._stdout.Writer.AsStream(), rig._tcp.GetStream(), "everything", rig.Tokens, rig.Clock, NullLogger.Instance);
        rig.Run = rig.Relay.RunAsync(cancellationToken);
        return rig;
    }

    /// <summary>Reads the bridge's authenticate and accepts it, valid for <paramref name="lifetime"/> on the rig's clock; then one client frame goes through.</summary>
    public async Task<JsonObject> AuthenticateAsync(TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var authenticate = await Gateway.ReadAsync(cancellationToken);
        await Gateway.AcceptAuthenticateAsync(authenticate, Clock.GetUtcNow() + lifetime, cancellationToken);

        // One client frame through: the bridge relays only once it has taken the answer in and scheduled its renewal.
        await ClientWriteAsync(Initialized + "\n", cancellationToken);
        var first = await Gateway.ReadLineAsync(cancellationToken);
        return first == Initialized ? authenticate : throw new InvalidOperationException($"the bridge relayed '{first}' first");
    }

    /// <summary>Writes raw bytes to the bridge's stdin, as the MCP client would.</summary>
    public async Task ClientWriteAsync(string text, CancellationToken cancellationToken) =>
        await _stdin.Writer.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);

    public async Task ClientCloseAsync() => await _stdin.Writer.CompleteAsync();

    /// <summary>The next line the bridge wrote to its stdout, or null at its end.</summary>
    public Task<string?> ClientReadLineAsync(CancellationToken cancellationToken) => _output.ReadLineAsync(cancellationToken).AsTask();

    public async ValueTask DisposeAsync()
    {
        await _stdin.Writer.CompleteAsync();
        await Relay.DisposeAsync();
        await Gateway.DisposeAsync();
        _tcp.Dispose();
        _output.Dispose();
    }
}
