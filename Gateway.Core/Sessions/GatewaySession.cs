using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.IO.Pipelines;
using System.Security.Cryptography;
using McpGateway.Core.Chain;
using McpGateway.Core.Configuration;
using McpGateway.Core.Diagnostics;
using McpGateway.Core.Framing;
using McpGateway.Core.Identity;
using McpGateway.Core.Listener;
using McpGateway.Core.Upstreams;
using McpGateway.Core.Messaging;

namespace McpGateway.Core.Sessions;

/// <summary>
/// One client's session, coordinated: the <see cref="SessionHandshake"/> yields its start, then one
/// <see cref="DirectionPump"/> per direction takes every frame through the protocol rules and the chain, the
/// <see cref="OutcomeWriter"/> carries out each verdict, the <see cref="SessionSweeper"/> watches the clocks, and
/// <see cref="SessionRecording"/> records every outcome. A side spoken to in NDJSON (a socket, stdio) is read by the
/// <see cref="NdjsonPump"/> and written through an <see cref="NdjsonFrameSink"/>; a side spoken to in messages (HTTP)
/// delivers through an <see cref="ISessionInlet"/> and receives through its own <see cref="FrameSink"/>.
/// </summary>
internal sealed class GatewaySession : IGatewaySession, IAsyncDisposable
{
    private readonly IDuplexPipe? _client;
    private readonly TaskCompletionSource _clientDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _end = new();
    private readonly GatewayFrames _generated;
    private readonly ConnectionLease? _lease;
    private ConcurrentDictionary<object, object?>? _items;
    private IUpstreamChannel? _upstream;
    private bool _ownsUpstreamSink;
    private long _sequence;
    private string? _endReason;
    private bool _startRecorded;

    /// <summary>A session whose client speaks NDJSON over <paramref name="client"/> and authenticates with its first frame.</summary>
    /// <param name="certificateIdentity">Maps the connection's TLS client certificate, if it presented one, to an identity (given the session id).</param>
    /// <param name="lease">The connection's place in the listener's limits; the session ends its pre-auth count and claims its subject's.</param>
    public GatewaySession(GatewayRuntime runtime, IDuplexPipe client, string? remoteAddress, Func<string, GatewayIdentity?>? certificateIdentity = null, ConnectionLease? lease = null)
        : this(runtime, new NdjsonFrameSink(client.Output), remoteAddress, lease, certificateIdentity) => _client = client;

    /// <summary>A session whose client is an adapter speaking in messages: it starts the session with <see cref="Handshake"/>, then delivers through <see cref="Client"/>.</summary>
    public GatewaySession(GatewayRuntime runtime, FrameSink clientSink, string? remoteAddress, ConnectionLease? lease = null, Func<string, GatewayIdentity?>? certificateIdentity = null)
    {
        Runtime = runtime;
        ClientSink = clientSink;
        RemoteAddress = remoteAddress;
        _lease = lease;
        Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        Protocol = new SessionProtocol(Id, runtime.Logger);
        Recording = new SessionRecording(this, runtime.Recorder, runtime.Metrics);
        Sweeper = new SessionSweeper(this);
        Handshake = new SessionHandshake(this, certificateIdentity, lease);
        _generated = new GatewayFrames(this, runtime, NextSequence, _end.Token);
    }

    public string Id { get; }

    public GatewayIdentity? Identity { get; private set; }

    public string? ConnectionName => Connection?.Name;

    /// <summary>
    /// The URL the client reached the front door at for this session (RFC 9728's resource): a token whose audience
    /// names it is accepted here, at the start and at each renewal, besides the configured audiences. Null on TCP.
    /// </summary>
    public string? Resource { get; set; }

    public string? ProtocolVersion => Protocol.Version;

    public string? RemoteAddress { get; }

    public ConcurrentDictionary<object, object?> Items => LazyInitializer.EnsureInitialized(ref _items);

    public SessionHandshake Handshake { get; }

    /// <summary>Where an adapter delivers the client's messages; set once <see cref="RunAsync(HandshakeResult, CancellationToken)"/> started the session.</summary>
    public ISessionInlet? Client { get; private set; }

    internal GatewayRuntime Runtime { get; }

    internal CancellationToken Ended => _end.Token;

    internal ConnectionSettings? Connection { get; private set; }

    internal FrameSink ClientSink { get; }

    internal FrameSink? UpstreamSink { get; private set; }

    internal PendingTable ClientPending { get; } = new();

    internal PendingTable UpstreamPending { get; } = new();

    internal SessionProtocol Protocol { get; }

    internal SessionRecording Recording { get; }

    internal SessionSweeper Sweeper { get; }

    /// <summary>Requests of the client forwarded upstream and not answered yet.</summary>
    internal int PendingClientRequests => ClientPending.Waiting;

    /// <summary>For a session without an MCP handshake of its own (the front door's shared stateless session, 2026-07-28).</summary>
    internal void WithoutHandshake() => Protocol.Lifecycle.Open();

    /// <summary>Replaces the identity after a renewal for the same subject.</summary>
    internal void RenewIdentity(GatewayIdentity identity) => Identity = identity;

    /// <summary>Ends the session, e.g. when a renewal names a different subject.</summary>
    internal void Abort(string reason)
    {
        SetEndReason(reason);
        _end.Cancel();
    }

    /// <summary>The client is gone (an adapter's client closed its session): the session ends as when a socket closes.</summary>
    internal void CompleteClient() => _clientDone.TrySetResult();

    internal string CorrelationId(long sequence) => string.Create(CultureInfo.InvariantCulture, $"{Id}:{sequence}");

    internal long NextSequence() => Interlocked.Increment(ref _sequence);

    internal void SetEndReason(string reason, bool overwrite = false) => _endReason = overwrite ? reason : _endReason ?? reason;

    internal void Begin(GatewayIdentity identity, ConnectionSettings connection) => (Identity, Connection) = (identity, connection);

    internal void StartRecorded() => _startRecorded = true;

    /// <summary>Through the chain's tail, recorded before it is written: see <see cref="GatewayFrames"/>.</summary>
    public ValueTask<bool> SendToClientAsync(ReadOnlyMemory<byte> frameJson, CancellationToken cancellationToken) =>
        _generated.SendAsync(FrameDirection.UpstreamToClient, ClientSink, frameJson, cancellationToken);

    /// <summary>NDJSON: the handshake on the first frame, then the relay until either side ends.</summary>
    public Task RunAsync(CancellationToken connectionClosed) => RunCoreAsync(null, connectionClosed);

    /// <summary>An adapter's session, after <see cref="Handshake"/>: <see cref="Client"/> is set when this returns (a refused start just ends).</summary>
    public Task RunAsync(HandshakeResult handshake, CancellationToken connectionClosed) => RunCoreAsync(handshake, connectionClosed);

    private async Task RunCoreAsync(HandshakeResult? handshake, CancellationToken connectionClosed)
    {
        using var closed = connectionClosed.Register(static state => ((CancellationTokenSource)state!).Cancel(), _end);
        using var activity = GatewayMetrics.ActivitySource.StartActivity("mcpgw.session", ActivityKind.Server);
        activity?.SetTag("mcpgw.session_id", Id);
        GatewayLog.SessionAccepted(Runtime.Logger, Id, RemoteAddress);
        var counted = false;
        try
        {
            var start = (handshake ?? await Handshake.ReadAsync(_client!.Input).ConfigureAwait(false)).Start;
            _lease?.EndPreAuth();
            if (start is null)
            {
                return;
            }

            Sweeper.Touch();
            Runtime.Drain.SessionStarted(this);
            counted = true;
            activity?.SetTag("mcpgw.connection", ConnectionName);
            await RelayAsync(start).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            SetEndReason("failed");
            GatewayLog.SessionFailed(Runtime.Logger, Id, ex);
        }
        finally
        {
            if (counted)
            {
                Runtime.Drain.SessionEnded(this);
            }

            if (_startRecorded)
            {
                await Recording.RecordAsync(FrameOutcome.SessionEnded(_endReason ?? "closed"), CancellationToken.None).ConfigureAwait(false);
            }

            activity?.SetTag("mcpgw.end_reason", _endReason ?? "closed");
            GatewayLog.SessionEnded(Runtime.Logger, Id, _endReason ?? "closed");
        }
    }

    private async Task RelayAsync(SessionStart start)
    {
        var upstream = _upstream = start.Upstream;
        var messages = upstream.Messages;
        _ownsUpstreamSink = messages is null;
        UpstreamSink = messages?.Sink ?? new NdjsonFrameSink(upstream.Output);

        var outcomes = new OutcomeWriter(this);
        var client = new DirectionPump(this, FrameDirection.ClientToUpstream, ClientSink, UpstreamSink, ClientPending, UpstreamPending, outcomes);
        var server = new DirectionPump(this, FrameDirection.UpstreamToClient, UpstreamSink, ClientSink, UpstreamPending, ClientPending, outcomes);
        var upstreamInlet = new MessageInlet(server, () => _end.IsCancellationRequested, Sweeper.Touch, Sweeper);

        using var sweep = Runtime.TimeProvider.CreateTimer(static s => ((SessionSweeper)s!).Sweep(), Sweeper, SessionSweeper.Interval, SessionSweeper.Interval);

        // The upstream side first: a message channel has its inlet before the client's first message can reach it.
        var upstreamRun = messages is null ? NdjsonPump.RunAsync(upstream.Input, server, true, Sweeper.Touch, Ended) : WaitAsync(messages.RunAsync(upstreamInlet, Ended));
        Client = new MessageInlet(client, () => _end.IsCancellationRequested, Sweeper.Touch, null);
        var clientRun = _client is null ? WaitAsync(_clientDone.Task) : NdjsonPump.RunAsync(_client.Input, client, false, Sweeper.Touch, Ended);
        var first = await Task.WhenAny(clientRun, upstreamRun).ConfigureAwait(false);
        await Sweeper.SideEndedAsync(first == upstreamRun && !_end.IsCancellationRequested ? upstream : null).ConfigureAwait(false);
        await _end.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(clientRun, upstreamRun).ConfigureAwait(false);
        await Task.WhenAll(outcomes.Held).ConfigureAwait(false);
    }

    /// <summary>A side an adapter drives: over when the adapter says so, or when the session ends.</summary>
    private async Task WaitAsync(Task side)
    {
        try
        {
            await side.WaitAsync(Ended).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
        {
            // The session is ending, or the side went away.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _end.CancelAsync().ConfigureAwait(false);
        if (_upstream is not null)
        {
            await _upstream.DisposeAsync().ConfigureAwait(false);
        }

        await ClientSink.CompleteAsync().ConfigureAwait(false);
        ClientSink.Dispose();
        if (_ownsUpstreamSink)
        {
            UpstreamSink?.Dispose();
        }

        _end.Dispose();
    }
}
