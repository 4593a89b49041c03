using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.IO.Pipelines;
using System.Security.Cryptography;
using McpGateway.Core.Chain;
using McpGateway.Core.Configuration;
using McpGateway.Core.Diagnostics;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;
using McpGateway.Core.Identity;
using McpGateway.Core.Listener;
using McpGateway.Core.Upstreams;
using Microsoft.Extensions.Logging;

namespace McpGateway.Core.Sessions;

/// <summary>
/// One client connection: authenticate first, open the upstream, then two pumps (client->upstream and
/// upstream->client) run every frame through framing, the protocol rules and the inspector chain. A pump handles
/// every complete frame of a read and flushes once. Each side's pending requests are tracked by id, so an
/// upstream that dies or hangs answers every waiting call exactly once with -31007 or -31008.
/// </summary>
internal sealed partial class GatewaySession : IGatewaySession, IAsyncDisposable
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMilliseconds(250);

    private readonly GatewayRuntime _runtime;
    private readonly IDuplexPipe _client;
    private readonly FrameWriter _clientWriter;
    private readonly GatewayFrames _generated;
    private readonly PendingTable _clientPending = new();
    private readonly PendingTable _upstreamPending = new();
    private readonly LifecycleGate _lifecycle = new();
    private readonly CancellationTokenSource _end = new();
    private readonly ConcurrentDictionary<Task, bool> _held = new();

    // Answers the upstream channel asked for (IReportsRequestFailures) that are still being recorded and written.
    private readonly ConcurrentDictionary<Task, bool> _failing = new();
    private readonly ILogger _logger;
    private readonly Func<string, GatewayIdentity?>? _certificateIdentity;
    private readonly ConnectionLease? _lease;
    private long _lastActivity;
    private int _drainedSweeps;
    private bool _counted;
    private ConcurrentDictionary<object, object?>? _items;
    private IUpstreamChannel? _upstream;
    private FrameWriter? _upstreamWriter;
    private ConnectionSettings? _connection;
    private long _sequence;
    private string? _endReason;
    private bool _replayFirstFrame;
    private bool _startRecorded;

    /// <param name="certificateIdentity">Maps the connection's TLS client certificate, if it presented one, to an identity (given the session id).</param>
    /// <param name="lease">The connection's place in the listener's limits; the session ends its pre-auth count and claims its subject's.</param>
    public GatewaySession(GatewayRuntime runtime, IDuplexPipe client, string? remoteAddress, Func<string, GatewayIdentity?>? certificateIdentity = null, ConnectionLease? lease = null)
    {
        _certificateIdentity = certificateIdentity;
        _lease = lease;
        _runtime = runtime;
        _client = client;
        _clientWriter = new FrameWriter(client.Output);
        _generated = new GatewayFrames(this, runtime, NextSequence, _end.Token);
        _logger = runtime.Logger;
        RemoteAddress = remoteAddress;
        Id = NewSessionId();
    }

    public string Id { get; }

    public GatewayIdentity? Identity { get; private set; }

    public string? ConnectionName => _connection?.Name;

    public string? ProtocolVersion { get; private set; }

    public string? RemoteAddress { get; }

    /// <summary>Requests of the client forwarded upstream and not answered yet.</summary>
    internal int PendingClientRequests => _clientPending.Count;

    public ConcurrentDictionary<object, object?> Items => LazyInitializer.EnsureInitialized(ref _items);

    private GatewaySettings Settings => _runtime.Settings;

    private static string NewSessionId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    /// <summary>
    /// For a session without an MCP handshake of its own (the front door's shared stateless session, 2026-07-28): the
    /// lifecycle rule that holds requests back until initialize succeeded does not apply.
    /// </summary>
    internal void WithoutHandshake() => _lifecycle.Open();

    /// <summary>Replaces the identity after a renewal for the same subject.</summary>
    internal void RenewIdentity(GatewayIdentity identity) => Identity = identity;

    /// <summary>Ends the session, e.g. when a renewal names a different subject.</summary>
    internal void Abort(string reason)
    {
        _endReason ??= reason;
        _end.Cancel();
    }

    internal string CorrelationId(long sequence) => string.Create(CultureInfo.InvariantCulture, $"{Id}:{sequence}");

    public async Task RunAsync(CancellationToken connectionClosed)
    {
        using var closed = connectionClosed.Register(static state => ((CancellationTokenSource)state!).Cancel(), _end);
        using var activity = GatewayMetrics.ActivitySource.StartActivity("mcpgw.session", ActivityKind.Server);
        activity?.SetTag("mcpgw.session_id", Id);
        GatewayLog.SessionAccepted(_logger, Id, RemoteAddress);
        try
        {
            var authenticated = await HandshakeAsync().ConfigureAwait(false);
            _lease?.EndPreAuth();
            if (!authenticated)
            {
                return;
            }

            _lastActivity = _runtime.TimeProvider.GetTimestamp();
            _runtime.Drain.SessionStarted(this);
            _counted = true;

            activity?.SetTag("mcpgw.connection", ConnectionName);

            var client = new McpFrame(this, FrameDirection.ClientToUpstream, Settings.ClientLimits);
            var upstream = new McpFrame(this, FrameDirection.UpstreamToClient, Settings.UpstreamLimits);
            var clientState = new PumpState(FrameDirection.ClientToUpstream, _client.Input, Settings.ClientLimits, _clientWriter, _upstreamWriter!, _clientPending, _upstreamPending, client);
            var upstreamState = new PumpState(FrameDirection.UpstreamToClient, _upstream!.Input, Settings.UpstreamLimits, _upstreamWriter!, _clientWriter, _upstreamPending, _clientPending, upstream)
            {
                AtConnectionStart = true,
            };

            using var sweep = _runtime.TimeProvider.CreateTimer(static s => ((GatewaySession)s!).SweepTimeouts(), this, SweepInterval, SweepInterval);
            var clientPump = PumpAsync(clientState);
            var upstreamPump = PumpAsync(upstreamState);
            var first = await Task.WhenAny(clientPump, upstreamPump).ConfigureAwait(false);
            if (first == upstreamPump && !_end.IsCancellationRequested)
            {
                var endError = _upstream.EndError;
                _endReason ??= endError?.Reason ?? "upstream closed";
                var failed = await FailAllPendingAsync(endError ?? GatewayErrors.UpstreamExited).ConfigureAwait(false);
                GatewayLog.UpstreamExited(_logger, Id, ConnectionName!, failed);
            }
            else
            {
                _endReason ??= "client closed";

                // Nobody will read the answers of the calls still pending: the upstream may stop working on them.
                await CancelUpstreamAsync(_clientPending.Drain(), null, CancellationFrame.ClientGone).ConfigureAwait(false);
            }

            // A channel that failed its calls and then ended (an upstream message over the limit) must not lose those
            // answers to the session's end: they are written before the client's side closes.
            await Task.WhenAll(_failing.Keys).ConfigureAwait(false);
            await _end.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(clientPump, upstreamPump).ConfigureAwait(false);
            await Task.WhenAll(_held.Keys).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _endReason ??= "failed";
            GatewayLog.SessionFailed(_logger, Id, ex);
        }
        finally
        {
            if (_counted)
            {
                _runtime.Drain.SessionEnded(this);
            }

            if (_startRecorded)
            {
                await _runtime.Recorder!.SessionEndedAsync(this, _endReason ?? "closed").ConfigureAwait(false);
            }

            activity?.SetTag("mcpgw.end_reason", _endReason ?? "closed");
            GatewayLog.SessionEnded(_logger, Id, _endReason ?? "closed");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _end.CancelAsync().ConfigureAwait(false);
        if (_upstream is not null)
        {
            await _upstream.DisposeAsync().ConfigureAwait(false);
        }

        await _clientWriter.CompleteAsync().ConfigureAwait(false);
        _clientWriter.Dispose();
        _upstreamWriter?.Dispose();
        _end.Dispose();
    }
}
