using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text.Json;
using McpGateway.Core.Chain;
using McpGateway.Core.Configuration;
using McpGateway.Core.Diagnostics;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;
using McpGateway.Core.Identity;
using McpGateway.Core.Listener;
using McpGateway.Core.Recording;
using McpGateway.Core.Upstreams;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace McpGateway.Core.Sessions;

/// <summary>
/// One client connection: authenticate first, open the upstream, then two pumps (client->upstream and
/// upstream->client) run every frame through framing, the protocol rules and the inspector chain. A pump handles
/// every complete frame of a read and flushes once. Each side's pending requests are tracked by id, so an
/// upstream that dies or hangs answers every waiting call exactly once with -31007 or -31008.
/// </summary>
internal sealed class GatewaySession : IGatewaySession, IAsyncDisposable
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMilliseconds(250);

    private readonly GatewayRuntime _runtime;
    private readonly IDuplexPipe _client;
    private readonly FrameWriter _clientWriter;
    private readonly PendingTable _clientPending = new();
    private readonly PendingTable _upstreamPending = new();
    private readonly CancellationTokenSource _end = new();
    private readonly ConcurrentDictionary<Task, bool> _held = new();
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

            var client = new McpFrame(this, FrameDirection.ClientToUpstream);
            var upstream = new McpFrame(this, FrameDirection.UpstreamToClient);
            var clientState = new PumpState(FrameDirection.ClientToUpstream, _client.Input, Settings.ClientLimits, _clientWriter, _upstreamWriter!, _clientPending, _upstreamPending, client);
            var upstreamState = new PumpState(FrameDirection.UpstreamToClient, _upstream!.Input, Settings.UpstreamLimits, _upstreamWriter!, _clientWriter, _upstreamPending, _clientPending, upstream);

            using var sweep = _runtime.TimeProvider.CreateTimer(static s => ((GatewaySession)s!).SweepTimeouts(), this, SweepInterval, SweepInterval);
            var clientPump = PumpAsync(clientState);
            var upstreamPump = PumpAsync(upstreamState);
            var first = await Task.WhenAny(clientPump, upstreamPump).ConfigureAwait(false);
            if (first == upstreamPump && !_end.IsCancellationRequested)
            {
                _endReason ??= "upstream closed";
                var failed = await FailAllPendingAsync(GatewayErrors.UpstreamExited).ConfigureAwait(false);
                GatewayLog.UpstreamExited(_logger, Id, ConnectionName!, failed);
            }
            else
            {
                _endReason ??= "client closed";
            }

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

    private async Task<bool> HandshakeAsync()
    {
        using var deadline = new CancellationTokenSource(Settings.PreAuthTimeout, _runtime.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, _end.Token);
        var input = _client.Input;
        while (true)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !_end.IsCancellationRequested)
            {
                await RefuseAsync(JsonRpcId.None, GatewayErrors.AuthenticationTimeout).ConfigureAwait(false);
                return false;
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or ConnectionResetException)
            {
                _endReason = "client closed before authenticating";
                return false;
            }

            var buffer = result.Buffer;
            var status = FrameReader.TryReadFrame(ref buffer, Settings.ClientLimits.MaxFrameBytes, out var payload);
            if (status == FrameReadStatus.Frame)
            {
                try
                {
                    return await AuthenticateFirstAsync(payload, linked.Token).ConfigureAwait(false);
                }
                finally
                {
                    // Consumed through the authenticate frame; anything pipelined after it stays for the pump. A first
                    // frame accepted on the strength of a client certificate alone stays too: the pump handles it.
                    input.AdvanceTo(_replayFirstFrame ? result.Buffer.Start : buffer.Start);
                }
            }

            input.AdvanceTo(buffer.Start, buffer.End);
            if (status == FrameReadStatus.TooLarge)
            {
                await RefuseAsync(JsonRpcId.None, GatewayErrors.Unauthenticated).ConfigureAwait(false);
                return false;
            }

            if (result.IsCompleted)
            {
                _endReason = "client closed before authenticating";
                return false;
            }
        }
    }

    private async Task<bool> AuthenticateFirstAsync(ReadOnlySequence<byte> payload, CancellationToken cancellationToken)
    {
        var scanner = new EnvelopeScanner(Settings.ClientLimits);
        var invalid = scanner.Scan(payload, out var envelope);
        var id = envelope.Kind == MessageKind.Request ? envelope.Id : JsonRpcId.None;
        if (invalid is not null)
        {
            await RefuseAsync(id, GatewayErrors.Unauthenticated).ConfigureAwait(false);
            return false;
        }

        GatewayIdentity? identity;
        string? connectionName = null;
        if (envelope.Kind != MessageKind.Request || envelope.Method != McpMethods.Authenticate)
        {
            // A connection whose client certificate maps to an identity may skip authenticate: its first frame is
            // then an ordinary MCP frame, for the connection the listener is bound to.
            identity = _certificateIdentity?.Invoke(Id);
            if (identity is null)
            {
                await RefuseAsync(id, GatewayErrors.Unauthenticated).ConfigureAwait(false);
                return false;
            }

            _replayFirstFrame = true;
        }
        else if (!AuthenticateParams.TryReadFields(payload, out var token, out connectionName))
        {
            await RefuseAsync(id, GatewayErrors.InvalidToken).ConfigureAwait(false);
            return false;
        }
        else if (token is null)
        {
            identity = _certificateIdentity?.Invoke(Id);
        }
        else
        {
            AuthenticationOutcome outcome;
            try
            {
                outcome = await _runtime.Authenticator.AuthenticateAsync(token, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!_end.IsCancellationRequested)
            {
                await RefuseAsync(id, GatewayErrors.AuthenticationTimeout).ConfigureAwait(false);
                return false;
            }

            identity = outcome.Identity;
            if (identity is null)
            {
                await RefuseAsync(id, outcome.Error ?? GatewayErrors.InvalidToken).ConfigureAwait(false);
                return false;
            }
        }

        if (identity is null)
        {
            await RefuseAsync(id, GatewayErrors.InvalidToken).ConfigureAwait(false);
            return false;
        }

        ConnectionSettings? connection = null;
        if (connectionName is null ? (connection = Settings.SoleConnection) is null : !Settings.Connections.TryGetValue(connectionName, out connection))
        {
            _replayFirstFrame = false;
            await RefuseAsync(id, GatewayErrors.UnknownConnection).ConfigureAwait(false);
            return false;
        }

        if (!Settings.Admits(connection, identity))
        {
            _replayFirstFrame = false;
            GatewayLog.ConnectionNotAllowed(_logger, Id, identity.Subject, connection.Name);
            await RefuseAsync(id, GatewayErrors.ConnectionNotAllowed).ConfigureAwait(false);
            return false;
        }

        if (_lease is not null && !_lease.TryClaimIdentity(identity.Subject))
        {
            _replayFirstFrame = false;
            await RefuseAsync(id, ConnectionLimiter.TooManyConnections).ConfigureAwait(false);
            return false;
        }

        Identity = identity;
        _connection = connection;
        if (_runtime.Recorder is { } recorder)
        {
            // Recorded before the upstream is reached: a session the store cannot record does not begin.
            if (!await recorder.SessionStartedAsync(this, _end.Token).ConfigureAwait(false))
            {
                _replayFirstFrame = false;
                await RefuseAsync(id, GatewayErrors.AuditUnavailable).ConfigureAwait(false);
                return false;
            }

            _startRecorded = true;
        }

        try
        {
            _upstream = await _runtime.Connector.ConnectAsync(connection, _end.Token).ConfigureAwait(false);
        }
        catch (UpstreamUnavailableException ex)
        {
            GatewayLog.UpstreamUnavailable(_logger, Id, connection.Name, ex);
            _endReason = "upstream unavailable";
            _runtime.Metrics.SessionRefused(GatewayErrors.UpstreamUnavailable.Reason);
            _runtime.Metrics.UpstreamError(GatewayErrors.UpstreamUnavailable, 1);
            await _clientWriter.WriteAloneAsync((id, GatewayErrors.UpstreamUnavailable, CorrelationId(0)), static (w, s) => w.WriteError(s.id, s.Item2, s.Item3), _end.Token).ConfigureAwait(false);
            return false;
        }

        _upstreamWriter = new FrameWriter(_upstream.Output);
        GatewayLog.UpstreamStarted(_logger, Id, connection.Name, _upstream.Description);
        GatewayLog.SessionAuthenticated(_logger, Id, Identity.Subject, connection.Name);
        _runtime.Metrics.SessionAuthenticated();
        if (_replayFirstFrame)
        {
            return true;
        }

        var result = AuthenticateResult.Create(Id, Identity, connection.Name);
        return await _clientWriter.WriteAloneAsync((id, result), static (w, s) => w.WriteResult(s.id, s.result), _end.Token).ConfigureAwait(false);
    }

    private async Task RefuseAsync(JsonRpcId id, GatewayError error)
    {
        _endReason = error.Reason;
        GatewayLog.SessionRefused(_logger, Id, error.Reason);
        _runtime.Metrics.SessionRefused(error.Reason);
        try
        {
            await _clientWriter.WriteAloneAsync((id, error, CorrelationId(0)), static (w, s) => w.WriteError(s.id, s.error, s.Item3), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ConnectionResetException or ObjectDisposedException)
        {
            // The client is already gone.
        }
    }

    private async Task PumpAsync(PumpState state)
    {
        var input = state.Input;
        var discarding = false;
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(_end.Token).ConfigureAwait(false);
                Volatile.Write(ref _lastActivity, _runtime.TimeProvider.GetTimestamp());
                var buffer = result.Buffer;
                try
                {
                    while (true)
                    {
                        if (discarding)
                        {
                            if (!FrameReader.TrySkipLine(ref buffer))
                            {
                                break;
                            }

                            discarding = false;
                        }

                        var status = FrameReader.TryReadFrame(ref buffer, state.Limits.MaxFrameBytes, out var payload);
                        if (status == FrameReadStatus.Frame)
                        {
                            await HandleFrameAsync(state, payload).ConfigureAwait(false);
                        }
                        else if (status == FrameReadStatus.TooLarge)
                        {
                            var tooLarge = NextSequence();
                            if (_runtime.Recorder is { } recorder)
                            {
                                await recorder.InvalidAsync(this, state.Direction, ReadOnlySequence<byte>.Empty, state.Limits.MaxFrameBytes, tooLarge, GatewayErrors.FrameTooLarge).ConfigureAwait(false);
                            }

                            await OnInvalidFrameAsync(state, default, GatewayErrors.FrameTooLarge, state.Limits.MaxFrameBytes, tooLarge).ConfigureAwait(false);
                            discarding = true;
                        }
                        else
                        {
                            break;
                        }
                    }

                    if (result.IsCompleted)
                    {
                        if (!buffer.IsEmpty && !discarding)
                        {
                            // A final frame without its newline is never executed.
                            GatewayLog.FrameDropped(_logger, Id, state.Name, GatewayErrors.UnterminatedFrame.Reason, buffer.Length);
                            if (_runtime.Recorder is { } recorder)
                            {
                                await recorder.InvalidAsync(this, state.Direction, buffer, buffer.Length, NextSequence(), GatewayErrors.UnterminatedFrame).ConfigureAwait(false);
                            }
                        }

                        return;
                    }
                }
                finally
                {
                    input.AdvanceTo(buffer.Start, buffer.End);
                }

                await EndBatchAsync(state).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The session is ending, or Kestrel aborted the connection.
        }
        catch (Exception ex) when (ex is IOException or ConnectionResetException or ObjectDisposedException or InvalidOperationException)
        {
            // The peer went away mid-read.
        }
        finally
        {
            await EndBatchAsync(state).ConfigureAwait(false);
        }
    }

    private long NextSequence() => Interlocked.Increment(ref _sequence);

    private async ValueTask HandleFrameAsync(PumpState state, ReadOnlySequence<byte> payload)
    {
        if (state.Direction == FrameDirection.ClientToUpstream && _end.IsCancellationRequested)
        {
            // The session was aborted (a renewal named another subject or a connection it may not open): nothing
            // the client sent after that goes anywhere.
            return;
        }

        _runtime.Metrics.FrameRead(state.Direction, payload.Length);
        var sequence = NextSequence();
        var invalid = state.Scanner.Scan(payload, out var envelope);
        if (invalid is not null)
        {
            if (_runtime.Recorder is { } recorder)
            {
                await recorder.InvalidAsync(this, state.Direction, payload, payload.Length, sequence, invalid).ConfigureAwait(false);
            }

            await OnInvalidFrameAsync(state, envelope, invalid, payload.Length, sequence).ConfigureAwait(false);
            return;
        }

        string? requestMethod = null;
        string? requestTool = null;
        switch (envelope.Kind)
        {
            case MessageKind.Request:
                if (state.Direction == FrameDirection.ClientToUpstream && _runtime.Drain.IsDraining)
                {
                    await RefuseRequestAsync(state, envelope, payload, sequence, GatewayDrain.ShuttingDown).ConfigureAwait(false);
                    return;
                }

                if (!IsRelayable(state, envelope))
                {
                    await RefuseRequestAsync(state, envelope, payload, sequence, GatewayErrors.MethodNotFound).ConfigureAwait(false);
                    return;
                }

                switch (state.OwnPending.TryAdd(envelope.Id, envelope.Method, envelope.ToolName, Settings.MaxPendingRequests))
                {
                    case PendingAddResult.IdInUse:
                        await RefuseRequestAsync(state, envelope, payload, sequence, GatewayErrors.IdInUse).ConfigureAwait(false);
                        return;
                    case PendingAddResult.Full:
                        await RefuseRequestAsync(state, envelope, payload, sequence, GatewayErrors.Overloaded).ConfigureAwait(false);
                        return;
                }

                break;
            case MessageKind.Notification:
                if (!IsRelayable(state, envelope))
                {
                    GatewayLog.FrameDropped(_logger, Id, state.Name, GatewayErrors.MethodNotFound.Reason, payload.Length);
                    await RecordNotForwardedAsync(state, envelope, payload, sequence, "dropped", GatewayErrors.MethodNotFound).ConfigureAwait(false);
                    return;
                }

                if (envelope.Method == McpMethods.NotificationsCancelled && envelope.CancelledRequestId.IsValue)
                {
                    // The receiver may never answer a cancelled request; stop waiting for it.
                    state.OwnPending.TryRemove(envelope.CancelledRequestId, out _);
                }

                break;
            default:
                if (!state.PeerPending.TryRemove(envelope.Id, out var pending))
                {
                    if (state.Direction == FrameDirection.UpstreamToClient)
                    {
                        GatewayLog.UnmatchedUpstreamResponse(_logger, Id, envelope.Id.ToString());
                    }
                    else
                    {
                        GatewayLog.UnmatchedClientResponse(_logger, Id, envelope.Id.ToString());
                    }

                    await RecordNotForwardedAsync(state, envelope, payload, sequence, "dropped", null).ConfigureAwait(false);
                    return;
                }

                requestMethod = pending.Method;
                requestTool = pending.ToolName;
                if (envelope.Kind == MessageKind.Response && state.Direction == FrameDirection.UpstreamToClient
                    && (requestMethod == McpMethods.Initialize || requestMethod == McpMethods.ServerDiscover))
                {
                    ObserveProtocolVersion(payload);
                }

                break;
        }

        var frame = state.Frame;
        frame.Reset(payload, envelope, requestMethod, requestTool, sequence);
        ChainOutcome outcome;
        if (_runtime.Metrics.TimesChain)
        {
            var started = _runtime.TimeProvider.GetTimestamp();
            outcome = await _runtime.Chain.RunAsync(frame, 0, _end.Token).ConfigureAwait(false);
            _runtime.Metrics.ChainRan(state.Direction, _runtime.TimeProvider.GetElapsedTime(started).TotalSeconds);
        }
        else
        {
            outcome = await _runtime.Chain.RunAsync(frame, 0, _end.Token).ConfigureAwait(false);
        }

        await ApplyAsync(state, frame, outcome, inBatch: true).ConfigureAwait(false);
    }

    /// <summary>Records a frame the gateway itself did not forward (size and hash only); nothing to do when recording is off.</summary>
    /// <summary>The gateway answers a request itself with an error; the request is recorded as rejected and goes no further.</summary>
    private ValueTask RefuseRequestAsync(PumpState state, in FrameEnvelope envelope, in ReadOnlySequence<byte> payload, long sequence, GatewayError error)
    {
        Reply(state, envelope.Id, error, sequence);
        return RecordNotForwardedAsync(state, envelope, payload, sequence, "rejected", error);
    }

    private ValueTask RecordNotForwardedAsync(PumpState state, in FrameEnvelope envelope, in ReadOnlySequence<byte> payload, long sequence, string verdict, GatewayError? error) =>
        _runtime.Recorder is { } recorder
            ? recorder.NotForwardedAsync(this, state.Direction, envelope, null, null, payload, sequence, verdict, "gateway", error)
            : ValueTask.CompletedTask;

    /// <summary>Methods no MCP version defines are refused unless configuration allows them; the gateway's own never pass upstream.</summary>
    private bool IsRelayable(PumpState state, in FrameEnvelope envelope)
    {
        if (envelope.IsKnownMethod)
        {
            return envelope.Method != McpMethods.Authenticate || state.Direction == FrameDirection.ClientToUpstream;
        }

        return Settings.AllowedMethods.Contains(envelope.Method!);
    }

    private async ValueTask ApplyAsync(PumpState state, McpFrame frame, ChainOutcome outcome, bool inBatch)
    {
        var verdict = outcome.Verdict;
        if (verdict.Kind == VerdictKind.Forward && frame.IsReplaced && !EnvelopeUnchanged(frame, state.Limits))
        {
            verdict = Verdict.Reject(GatewayErrors.InspectorFailed.WithRule(outcome.InspectorName ?? "replace"));
        }

        if (verdict.Kind is not (VerdictKind.Forward or VerdictKind.Replace))
        {
            _runtime.Metrics.Verdict(outcome.InspectorName ?? "gateway", verdict.Kind, verdict.Error);
            if (_runtime.Recorder is { } recorder && verdict.Kind != VerdictKind.Hold && outcome.InspectorName != ISessionRecorder.InspectorName)
            {
                // Forwarded frames were recorded by the recording inspector; the final outcome of a held frame is recorded when it comes.
                await recorder.NotForwardedAsync(this, state.Direction, frame.Envelope, frame.Method, frame.ToolName, frame.Payload, frame.Sequence, verdict.Kind == VerdictKind.Respond ? "responded" : "rejected", outcome.InspectorName ?? "gateway", verdict.Error).ConfigureAwait(false);
            }
        }

        switch (verdict.Kind)
        {
            case VerdictKind.Forward:
                await ForwardAsync(state, frame, inBatch).ConfigureAwait(false);
                break;
            case VerdictKind.Reject:
                await RejectAsync(state, frame, verdict.Error!, inBatch).ConfigureAwait(false);
                break;
            case VerdictKind.Respond when frame.Kind == MessageKind.Request:
                state.OwnPending.TryRemove(frame.Id, out _);
                await ReplyAsync(state, new SenderReply(frame.Id, null, verdict.Payload, frame.Sequence), inBatch).ConfigureAwait(false);
                break;
            case VerdictKind.Hold when verdict.Decision is not null:
                var held = frame.IsDetached ? frame : frame.Detach();
                var task = ContinueHeldAsync(state, held, verdict.Decision, outcome.InspectorIndex);
                if (!task.IsCompleted)
                {
                    _held.TryAdd(task, true);
                    _ = task.ContinueWith(static (t, s) => ((ConcurrentDictionary<Task, bool>)s!).TryRemove(t, out _), _held, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                }

                break;
            default:
                // Respond to a non-request, or a hold without a decision: an inspector broke the contract.
                await RejectAsync(state, frame, GatewayErrors.InspectorFailed.WithRule(outcome.InspectorName ?? "chain"), inBatch).ConfigureAwait(false);
                break;
        }
    }

    private async Task ContinueHeldAsync(PumpState state, McpFrame frame, Task<Verdict> decision, int inspectorIndex)
    {
        try
        {
            var verdict = await decision.WaitAsync(_end.Token).ConfigureAwait(false);
            ChainOutcome outcome;
            if (verdict.Kind is VerdictKind.Forward or VerdictKind.Replace)
            {
                if (verdict.Kind == VerdictKind.Replace)
                {
                    frame.ReplacePayload(verdict.Payload);
                }

                outcome = await _runtime.Chain.RunAsync(frame, inspectorIndex + 1, _end.Token).ConfigureAwait(false);
            }
            else
            {
                outcome = new ChainOutcome(verdict.Kind == VerdictKind.Hold ? Verdict.Reject(GatewayErrors.InspectorFailed) : verdict, inspectorIndex, null);
            }

            await ApplyAsync(state, frame, outcome, inBatch: false).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_end.IsCancellationRequested)
        {
            // The session ended while the frame was held; it is withdrawn.
            if (_runtime.Recorder is { } recorder)
            {
                await recorder.NotForwardedAsync(this, state.Direction, frame.Envelope, frame.Method, frame.ToolName, frame.Payload, frame.Sequence, "withdrawn", "gateway", null).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            GatewayLog.InspectorFailed(_logger, "hold", ex);
            await RejectAsync(state, frame, GatewayErrors.InspectorFailed, inBatch: false).ConfigureAwait(false);
        }
    }

    private static bool EnvelopeUnchanged(McpFrame frame, FrameLimits limits)
    {
        var error = new EnvelopeScanner(limits).Scan(frame.Payload, out var rescanned);
        var original = frame.Envelope;
        return error is null && rescanned.Kind == original.Kind && rescanned.Id == original.Id
            && string.Equals(rescanned.Method, original.Method, StringComparison.Ordinal)
            && string.Equals(rescanned.ToolName, original.ToolName, StringComparison.Ordinal);
    }

    private async ValueTask ForwardAsync(PumpState state, McpFrame frame, bool inBatch)
    {
        if (state.Peer.IsClosed)
        {
            await RejectAsync(state, frame, state.Direction == FrameDirection.ClientToUpstream ? GatewayErrors.UpstreamExited : GatewayErrors.UpstreamUnavailable, inBatch).ConfigureAwait(false);
            return;
        }

        if (frame.Kind == MessageKind.Request && state.Direction == FrameDirection.ClientToUpstream)
        {
            var deadline = _runtime.TimeProvider.GetTimestamp() + (long)(_connection!.RequestTimeout.TotalSeconds * _runtime.TimeProvider.TimestampFrequency);
            state.OwnPending.SetDeadline(frame.Id, deadline);
        }

        if (inBatch)
        {
            if (!state.PeerEntered)
            {
                await state.Peer.EnterAsync(CancellationToken.None).ConfigureAwait(false);
                state.PeerEntered = true;
            }

            state.Peer.WriteFrame(frame.Payload);
            state.PeerDirty = true;
        }
        else
        {
            await state.Peer.WriteAloneAsync(frame, static (w, f) => w.WriteFrame(f.Payload), CancellationToken.None).ConfigureAwait(false);
        }
    }

    private ValueTask RejectAsync(PumpState state, McpFrame frame, GatewayError error, bool inBatch)
    {
        GatewayLog.FrameRejected(_logger, Id, state.Name, error.Reason, frame.Payload.Length);
        switch (frame.Kind)
        {
            case MessageKind.Request:
                state.OwnPending.TryRemove(frame.Id, out _);
                return ReplyAsync(state, new SenderReply(frame.Id, error, default, frame.Sequence), inBatch);
            case MessageKind.Notification:
                return ValueTask.CompletedTask;
            default:
                // The peer waits for this response: it gets the error in its place, with the same id.
                return WritePeerErrorAsync(state, frame.Id, error, frame.Sequence, inBatch);
        }
    }

    private async ValueTask WritePeerErrorAsync(PumpState state, JsonRpcId id, GatewayError error, long sequence, bool inBatch)
    {
        var correlation = CorrelationId(sequence);
        if (inBatch)
        {
            if (!state.PeerEntered)
            {
                await state.Peer.EnterAsync(CancellationToken.None).ConfigureAwait(false);
                state.PeerEntered = true;
            }

            state.Peer.WriteError(id, error, correlation);
            state.PeerDirty = true;
        }
        else
        {
            await state.Peer.WriteAloneAsync((id, error, correlation), static (w, s) => w.WriteError(s.id, s.error, s.correlation), CancellationToken.None).ConfigureAwait(false);
        }
    }

    private void Reply(PumpState state, JsonRpcId id, GatewayError error, long sequence)
    {
        GatewayLog.FrameRejected(_logger, Id, state.Name, error.Reason, 0);
        _runtime.Metrics.Verdict("gateway", VerdictKind.Reject, error);
        state.Replies.Add(new SenderReply(id, error, default, sequence));
    }

    private async ValueTask ReplyAsync(PumpState state, SenderReply reply, bool inBatch)
    {
        if (inBatch)
        {
            state.Replies.Add(reply);
            return;
        }

        await state.Sender.WriteAloneAsync((this, reply), static (w, s) => s.Item1.WriteReply(w, s.reply), CancellationToken.None).ConfigureAwait(false);
    }

    private void WriteReply(FrameWriter writer, in SenderReply reply)
    {
        if (reply.Error is not null)
        {
            writer.WriteError(reply.Id, reply.Error, CorrelationId(reply.Sequence));
        }
        else
        {
            writer.WriteResult(reply.Id, reply.Result.Span);
        }
    }

    /// <summary>
    /// A frame that breaks the parsing rule is never forwarded. From the client, it gets the error (with its id if
    /// that could be recovered, else null). From the upstream, a broken response fails the call it answers with
    /// -31010; anything else from the upstream is dropped.
    /// </summary>
    private async ValueTask OnInvalidFrameAsync(PumpState state, FrameEnvelope envelope, GatewayError error, long bytes, long sequence)
    {
        if (state.Direction == FrameDirection.ClientToUpstream)
        {
            Reply(state, envelope.Id.IsValue ? envelope.Id : JsonRpcId.Null, error, sequence);
            if (envelope.Method is null && envelope.Id.IsValue && state.PeerPending.TryRemove(envelope.Id, out _))
            {
                // A broken answer to a server-to-client request: the upstream waits for it, so it gets an error in its place.
                await WritePeerErrorAsync(state, envelope.Id, GatewayErrors.ClientProtocolViolation, sequence, inBatch: true).ConfigureAwait(false);
            }

            return;
        }

        GatewayLog.FrameDropped(_logger, Id, state.Name, error.Reason, bytes);

        // On error the scanner vouches only for the id and, when it read one, the method (Kind is not decided):
        // a frame with an id and no method is taken as a response.
        if (envelope.Method is null && envelope.Id.IsValue && state.PeerPending.TryRemove(envelope.Id, out _))
        {
            // The client waits for this response: it gets -31010 in its place.
            await WritePeerErrorAsync(state, envelope.Id, GatewayErrors.UpstreamProtocolViolation, sequence, inBatch: true).ConfigureAwait(false);
        }
        else if (envelope.Method is not null && envelope.Id.IsValue)
        {
            Reply(state, envelope.Id, error, sequence);
        }
    }

    private async ValueTask EndBatchAsync(PumpState state)
    {
        if (state.PeerEntered)
        {
            try
            {
                if (state.PeerDirty)
                {
                    await state.Peer.FlushAsync(_end.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
                // Session ending; the pipe is completed by the owner.
            }
            finally
            {
                state.PeerDirty = false;
                state.PeerEntered = false;
                state.Peer.Exit();
            }
        }

        if (state.Replies.Count == 0)
        {
            return;
        }

        await state.Sender.EnterAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            foreach (var reply in state.Replies)
            {
                WriteReply(state.Sender, reply);
            }

            state.Replies.Clear();
            await state.Sender.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            state.Sender.Exit();
        }
    }

    private void SweepTimeouts()
    {
        if (_end.IsCancellationRequested)
        {
            return;
        }

        if (_runtime.Drain.IsDraining && SweepDrain())
        {
            return;
        }

        if (_runtime.TimeProvider.GetElapsedTime(Volatile.Read(ref _lastActivity)) >= Settings.ConnectionLimits.IdleTimeout)
        {
            GatewayLog.SessionIdle(_logger, Id, Settings.ConnectionLimits.IdleTimeout);
            Abort("idle timeout");
            return;
        }

        var expired = _clientPending.RemoveExpired(_runtime.TimeProvider.GetTimestamp());
        if (expired is null)
        {
            return;
        }

        GatewayLog.UpstreamRequestTimedOut(_logger, Id, ConnectionName!, _connection!.RequestTimeout);
        _ = FailAsync(expired, GatewayErrors.UpstreamTimedOut);
    }

    /// <summary>
    /// While the gateway drains: the session closes once no call of its client is pending (seen on two sweeps in a row,
    /// so that the last response is flushed first), or at the deadline with its pending calls failed. True when closing.
    /// </summary>
    private bool SweepDrain()
    {
        if (_runtime.Drain.IsForced)
        {
            _ = FailAsync(_clientPending.Drain(), GatewayDrain.ShuttingDown).ContinueWith(
                static (_, s) => ((GatewaySession)s!).Abort("gateway shutting down"), this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return true;
        }

        _drainedSweeps = _clientPending.Count == 0 ? _drainedSweeps + 1 : 0;
        if (_drainedSweeps >= 2)
        {
            Abort("gateway shutting down");
            return true;
        }

        return false;
    }

    private Task<int> FailAllPendingAsync(GatewayError error) => FailAsync(_clientPending.Drain(), error);

    /// <summary>Answers each request in <paramref name="ids"/> with <paramref name="error"/>, exactly once: the ids were already removed from the pending table.</summary>
    private async Task<int> FailAsync(List<JsonRpcId> ids, GatewayError error)
    {
        if (ids.Count == 0)
        {
            return 0;
        }

        _runtime.Metrics.UpstreamError(error, ids.Count);
        var sequence = NextSequence();
        try
        {
            await _clientWriter.WriteAloneAsync((this, ids, error, sequence), static (w, s) =>
            {
                foreach (var id in s.ids)
                {
                    w.WriteError(id, s.error, s.Item1.CorrelationId(s.sequence));
                }
            }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // The session ended meanwhile; the client is gone.
        }

        return ids.Count;
    }

    private void ObserveProtocolVersion(in ReadOnlySequence<byte> payload)
    {
        var reader = new Utf8JsonReader(payload);
        try
        {
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isResult = reader.ValueTextEquals("result"u8);
                reader.Read();
                if (!isResult || reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isVersion = reader.ValueTextEquals("protocolVersion"u8);
                    reader.Read();
                    if (isVersion && reader.TokenType == JsonTokenType.String)
                    {
                        ProtocolVersion = reader.GetString();
                        GatewayLog.ProtocolNegotiated(_logger, Id, ProtocolVersion!);
                        return;
                    }

                    reader.Skip();
                }

                return;
            }
        }
        catch (JsonException)
        {
            // Already validated; cannot happen.
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
