using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;
using McpGateway.Core.Listener;
using McpGateway.Core.Sessions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace McpGateway.Core.FrontDoor;

/// <summary>
/// One Streamable HTTP session: a <see cref="GatewaySession"/> whose client is this adapter, so authentication, policy,
/// masking, approvals and recording run exactly as for a TCP client. The session starts with the bearer token's
/// identity (no authenticate frame); each POSTed message goes to the core with the envelope the front door scanned, and
/// every message the core writes back arrives with its envelope and is routed: a response to the POST that asked, a
/// progress notification to the POST whose progress token it names, anything else to the GET stream.
/// </summary>
internal sealed class FrontDoorSession : IAsyncDisposable
{
    private const int MaxBacklog = 256;

    private readonly GatewayRuntime _runtime;
    private readonly ConnectionLease _lease;
    private readonly ILogger _logger;
    private readonly GatewaySession _gateway;
    private readonly EnvelopeScanner _ownFrames;
    private readonly SemaphoreSlim _renewLock = new(1, 1);
    private readonly ConcurrentDictionary<JsonRpcId, FrontDoorExchange> _exchanges = new();
    private readonly ConcurrentQueue<FrontDoorExchange> _unidentified = new();
    private readonly ConcurrentDictionary<Task<bool>, bool> _deliveries = new();
    private readonly Lock _streamLock = new();
    private readonly Queue<byte[]> _backlog = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ServerStream? _serverStream;
    private Task _run = Task.CompletedTask;
    private byte[] _tokenHash = [];
    private long _expiresAtTicks;
    private long _lastUse;
    private long _order;
    private long _nextId;
    private bool _clientDone;

    private FrontDoorSession(GatewayRuntime runtime, ConnectionLease lease, string connection, bool stateless, string? remoteAddress)
    {
        _runtime = runtime;
        _lease = lease;
        _logger = runtime.Logger;
        ConnectionName = connection;
        Stateless = stateless;
        _ownFrames = new EnvelopeScanner(runtime.Settings.ClientLimits);
        _gateway = new GatewaySession(runtime, new FrontDoorSink(Route), remoteAddress, lease);
        if (stateless)
        {
            // Stateless requests (2026-07-28) stand alone: there is no initialize to wait for.
            _gateway.WithoutHandshake();
        }
    }

    /// <summary>The <c>Mcp-Session-Id</c>: the gateway session's id, so HTTP sessions and audit records correlate.</summary>
    public string Id => _gateway.Id;

    public string ConnectionName { get; }

    /// <summary>Shared by the stateless requests (no <c>Mcp-Session-Id</c>) that one token sends to one connection.</summary>
    public bool Stateless { get; }

    public string Subject { get; private set; } = "";

    public Task Closed => _closed.Task;

    public bool IsClosed => _closed.Task.IsCompleted;

    /// <summary>Requests waiting for their response.</summary>
    public int InFlight => _exchanges.Count;

    /// <summary>
    /// True when nothing is in flight (no request waiting for its answer or being delivered, no GET stream) and no
    /// message went either way for <paramref name="idleTimeout"/>.
    /// </summary>
    public bool IsIdleFor(TimeSpan idleTimeout)
    {
        if (!_exchanges.IsEmpty || !_unidentified.IsEmpty || !_deliveries.IsEmpty)
        {
            return false;
        }

        lock (_streamLock)
        {
            if (_serverStream is not null)
            {
                return false;
            }
        }

        return _runtime.TimeProvider.GetElapsedTime(Volatile.Read(ref _lastUse)) >= idleTimeout;
    }

    /// <summary>
    /// Starts a gateway session with the identity of <paramref name="token"/> for <paramref name="connection"/>: a
    /// refused token never reaches the upstream, which is opened only after success.
    /// </summary>
    public static async Task<(FrontDoorSession? Session, FrontDoorRefusal? Refusal)> StartAsync(
        GatewayRuntime runtime, ConnectionLease lease, string connection, string? resource, string token, bool stateless, string? remoteAddress, CancellationToken cancellationToken)
    {
        var session = new FrontDoorSession(runtime, lease, connection, stateless, remoteAddress);
        session._gateway.Resource = resource;
        runtime.Metrics.ConnectionOpened();
        HandshakeResult start;
        try
        {
            start = await session._gateway.Handshake.AuthenticateAsync(token, connection, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            session._run = session.RunGatewayAsync(HandshakeResult.Gone);
            await session._run.ConfigureAwait(false);
            throw;
        }

        session._run = session.RunGatewayAsync(start);
        if (start.Start is not { } started)
        {
            await session._run.ConfigureAwait(false);
            return (null, start.Refusal is { } error ? FrontDoorRefusal.FromStartError(error) : FrontDoorRefusal.Create(StatusCodes.Status502BadGateway, GatewayErrors.UpstreamUnavailable));
        }

        session.Subject = started.Identity.Subject;
        Interlocked.Exchange(ref session._expiresAtTicks, started.Identity.ExpiresAt.UtcTicks);
        Volatile.Write(ref session._tokenHash, SHA256.HashData(Encoding.UTF8.GetBytes(token)));
        session.Touch();
        FrontDoorLog.SessionOpened(session._logger, session.Id, connection, session.Subject, stateless ? " (stateless requests)" : "");
        return (session, null);
    }

    /// <summary>
    /// Checks the bearer token of a later request. The token the session holds passes until it expires; another
    /// token of the same subject renews the session through <c>mcpgateway/authenticate</c>, as on TCP. A valid token
    /// of another subject is answered like an unknown session id and never reaches the session: knowing a session id
    /// is no power over someone else's session.
    /// </summary>
    public async Task<FrontDoorRefusal?> AuthorizeAsync(string token, CancellationToken cancellationToken)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        if (CryptographicOperations.FixedTimeEquals(hash, Volatile.Read(ref _tokenHash)))
        {
            return IsExpired ? FrontDoorRefusal.TokenExpired : null;
        }

        await _renewLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (CryptographicOperations.FixedTimeEquals(hash, Volatile.Read(ref _tokenHash)))
            {
                return IsExpired ? FrontDoorRefusal.TokenExpired : null;
            }

            var outcome = await _runtime.Authenticator.AuthenticateAsync(token, _gateway.Resource, cancellationToken).ConfigureAwait(false);
            if (outcome.Identity is { } identity && !string.Equals(identity.Subject, Subject, StringComparison.Ordinal))
            {
                FrontDoorLog.ForeignSubject(_logger, Id);
                return FrontDoorRefusal.SessionNotFound;
            }

            // The same subject, or a token the session's own check will refuse (and record) without ending it.
            var id = JsonRpcId.FromString(string.Create(CultureInfo.InvariantCulture, $"mcpgw-renew-{Interlocked.Increment(ref _nextId)}"));
            var exchange = new FrontDoorExchange(id, McpMethods.Authenticate, null, acceptsStream: false, Interlocked.Increment(ref _order), null);
            if (!_exchanges.TryAdd(id, exchange))
            {
                return FrontDoorRefusal.Create(StatusCodes.Status409Conflict, GatewayErrors.IdInUse);
            }

            if (!await WriteOwnFrameAsync(AuthenticateFrame(id.Text, token), cancellationToken).ConfigureAwait(false))
            {
                _exchanges.TryRemove(id, out _);
                return SessionGone;
            }

            byte[]? answer = null;
            await foreach (var message in exchange.Messages.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                answer = message;
            }

            return answer is null ? SessionGone : Accept(answer, hash);
        }
        finally
        {
            _renewLock.Release();
        }
    }

    private void Touch() => Volatile.Write(ref _lastUse, _runtime.TimeProvider.GetTimestamp());

    private static FrontDoorRefusal SessionGone { get; } = FrontDoorRefusal.Create(StatusCodes.Status404NotFound, (int)GatewayErrorCode.InvalidRequest, "session_closed", "The session has ended; start a new one");

    private bool IsExpired => _runtime.TimeProvider.GetUtcNow().UtcTicks >= Interlocked.Read(ref _expiresAtTicks);

    /// <summary>Registers a request before it is written, so that no part of its answer can miss it. False when its id is still pending.</summary>
    public bool TryBegin(FrontDoorExchange exchange)
    {
        if (exchange.Id.IsValue)
        {
            return _exchanges.TryAdd(exchange.Id, exchange);
        }

        // A message the session will refuse without a readable id: it answers with id null, in order.
        _unidentified.Enqueue(exchange);
        return true;
    }

    /// <summary>The client went away before the response: it is dropped when it comes.</summary>
    public void Abandon(FrontDoorExchange exchange)
    {
        if (exchange.Id.IsValue && _exchanges.TryGetValue(exchange.Id, out var current) && ReferenceEquals(current, exchange))
        {
            _exchanges.TryRemove(exchange.Id, out _);
        }

        exchange.Abandon();
    }

    public FrontDoorExchange NewExchange(JsonRpcId id, string? method, string? progressToken, bool acceptsStream, byte[]? clientId, JsonRpcId clientRpcId = default) =>
        new(id, method, progressToken, acceptsStream, Interlocked.Increment(ref _order), clientId, clientRpcId);

    /// <summary>The renumbered request a stateless client knows as <paramref name="clientRpcId"/>; null when none or several are pending.</summary>
    public FrontDoorExchange? FindRenumbered(JsonRpcId clientRpcId)
    {
        FrontDoorExchange? found = null;
        foreach (var exchange in _exchanges.Values)
        {
            if (exchange.ClientId is not null && exchange.ClientRpcId == clientRpcId)
            {
                if (found is not null)
                {
                    return null;
                }

                found = exchange;
            }
        }

        return found;
    }

    /// <summary>A gateway-side id for a stateless request, unique within this session.</summary>
    public long NextRequestNumber() => Interlocked.Increment(ref _nextId);

    /// <summary>
    /// Hands one message the front door scanned (<paramref name="envelope"/> and <paramref name="invalid"/> are what the
    /// scan returned) to the session core, which handles it before this returns; false once the session is over.
    /// </summary>
    public async Task<bool> DeliverAsync(ReadOnlyMemory<byte> message, FrameEnvelope envelope, GatewayError? invalid, CancellationToken cancellationToken)
    {
        if (IsClosed || Volatile.Read(ref _clientDone) || _gateway.Client is not { } client)
        {
            return false;
        }

        Touch();
        var delivery = client.DeliverAsync(new ReadOnlySequence<byte>(message), envelope, invalid, cancellationToken).AsTask();
        _deliveries.TryAdd(delivery, true);
        try
        {
            return await delivery.ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
        finally
        {
            _deliveries.TryRemove(delivery, out _);
        }
    }

    /// <summary>A message the front door makes itself (a renewal, a cancellation): scanned here, then delivered like a client's.</summary>
    public async Task<bool> WriteOwnFrameAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        FrameEnvelope envelope;
        GatewayError? invalid;
        lock (_ownFrames)
        {
            invalid = _ownFrames.Scan(new ReadOnlySequence<byte>(frame), out envelope);
        }

        return await DeliverAsync(frame, envelope, invalid, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Opens the GET stream, replacing one that was open, and hands it what waited for it.</summary>
    public ServerStream OpenServerStream()
    {
        var stream = new ServerStream();
        lock (_streamLock)
        {
            _serverStream?.Close();
            _serverStream = stream;
            while (_backlog.TryDequeue(out var waiting))
            {
                stream.TryPost(waiting);
            }

            if (IsClosed)
            {
                stream.Close();
            }
        }

        return stream;
    }

    public void CloseServerStream(ServerStream stream)
    {
        lock (_streamLock)
        {
            if (ReferenceEquals(_serverStream, stream))
            {
                _serverStream = null;
            }
        }

        stream.Close();
    }

    /// <summary>Ends the session as a closing TCP client would: the gateway session ends and closes its upstream.</summary>
    public async Task CloseAsync()
    {
        Volatile.Write(ref _clientDone, true);
        _gateway.CompleteClient();
        await _run.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync().ConfigureAwait(false);
        _renewLock.Dispose();
    }

    private async Task RunGatewayAsync(HandshakeResult start)
    {
        try
        {
            await _gateway.RunAsync(start, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            // A message that ended the session (a revoked token) is answered as it ends: its answer is routed first.
            await Task.WhenAll(_deliveries.Keys).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
            await _gateway.DisposeAsync().ConfigureAwait(false);
            End();
            _lease.Dispose();
            _runtime.Metrics.ConnectionClosed();
        }
    }

    /// <summary>Takes the answer to an <c>mcpgateway/authenticate</c>: the identity it grants, or the refusal.</summary>
    private FrontDoorRefusal? Accept(byte[] answer, byte[] tokenHash)
    {
        using var document = JsonDocument.Parse(answer);
        var root = document.RootElement;
        if (root.TryGetProperty("result", out var result) && result.ValueKind == JsonValueKind.Object)
        {
            Subject = result.GetProperty("subject").GetString() ?? "";
            var expires = result.GetProperty("expiresAt").GetDateTimeOffset();
            Interlocked.Exchange(ref _expiresAtTicks, expires.UtcTicks);
            Volatile.Write(ref _tokenHash, tokenHash);
            return null;
        }

        return root.TryGetProperty("error", out var error)
            ? FrontDoorRefusal.FromAuthenticateError(error)
            : FrontDoorRefusal.Create(StatusCodes.Status502BadGateway, GatewayErrors.UpstreamProtocolViolation);
    }

    private byte[] AuthenticateFrame(string id, string token)
    {
        var buffer = new ArrayBufferWriter<byte>(token.Length + 160);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("jsonrpc", "2.0");
            json.WriteString("id", id);
            json.WriteString("method", McpMethods.Authenticate);
            json.WriteStartObject("params");
            json.WriteString("token", token);
            json.WriteString("connection", ConnectionName);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Routes one message the session core wrote for the client (a copy, with the core's envelope).</summary>
    private void Route(byte[] frame, FrameEnvelope envelope, JsonRpcId refusedRpcId, GatewayError? madeError)
    {
        Touch();
        switch (envelope.Kind)
        {
            case MessageKind.Response or MessageKind.ErrorResponse:
                if (envelope.Id.IsValue && _exchanges.TryRemove(envelope.Id, out var exchange))
                {
                    exchange.Complete(Restored(exchange, frame, envelope), madeError);
                }
                else if (!envelope.Id.IsValue && refusedRpcId.IsValue && _exchanges.TryRemove(refusedRpcId, out var reused))
                {
                    // id_in_use: the session answers with a null id and names the request in error.data.rpcId.
                    reused.Complete(Restored(reused, frame, envelope), madeError);
                }
                else if (!envelope.Id.IsValue && _unidentified.TryDequeue(out var refused))
                {
                    refused.Complete(Restored(refused, frame, envelope), madeError);
                }
                else
                {
                    FrontDoorLog.UnmatchedResponse(_logger, Id, envelope.Id.ToString());
                }

                return;
            case MessageKind.Notification when envelope.Method == McpMethods.NotificationsProgress:
                var token = RequestFacts.ProgressKey(envelope.ProgressToken, frame);
                if (token is not null)
                {
                    foreach (var candidate in _exchanges.Values)
                    {
                        if (token == candidate.ProgressToken && candidate.TryPost(frame))
                        {
                            return;
                        }
                    }
                }

                break;
        }

        DeliverUnrelated(frame, envelope.Method ?? "");
    }

    /// <summary>The response with the client's own id back in place of the front door's number, when it renumbered the request.</summary>
    private byte[] Restored(FrontDoorExchange exchange, byte[] response, in FrameEnvelope envelope)
    {
        if (exchange.ClientId is not { } clientId)
        {
            return response;
        }

        var at = envelope.IdValue;
        if (!at.IsPresent)
        {
            // An answer the gateway made (its envelope names no offsets): found once here, on this rare path.
            lock (_ownFrames)
            {
                at = _ownFrames.Scan(new ReadOnlySequence<byte>(response), out var made) is null ? made.IdValue : default;
            }
        }

        return at.IsPresent ? JsonRpcIdSplice.Replace(response, at, clientId) : response;
    }

    /// <summary>
    /// A server request or notification that answers no POST: to the GET stream; without one, to the oldest POST
    /// still streaming (a client handles messages on any of its streams); else it waits for a GET stream.
    /// </summary>
    private void DeliverUnrelated(byte[] frame, string method)
    {
        lock (_streamLock)
        {
            if (_serverStream is { } stream && stream.TryPost(frame))
            {
                return;
            }
        }

        // A subscriptions/listen stream (2026-07-28) is meant for them; otherwise the oldest stream still open.
        FrontDoorExchange? oldest = null;
        foreach (var candidate in _exchanges.Values)
        {
            if (candidate.AcceptsStream && !candidate.IsDone && (oldest is null || Rank(candidate) < Rank(oldest)))
            {
                oldest = candidate;
            }
        }

        if (oldest is not null && oldest.TryPost(frame))
        {
            return;
        }

        if (Stateless)
        {
            FrontDoorLog.Undeliverable(_logger, Id, method);
            return;
        }

        lock (_streamLock)
        {
            if (_backlog.Count >= MaxBacklog)
            {
                _backlog.Dequeue();
                FrontDoorLog.BacklogFull(_logger, Id, MaxBacklog);
            }

            _backlog.Enqueue(frame);
        }
    }

    private static long Rank(FrontDoorExchange exchange) => exchange.Method == McpMethods.SubscriptionsListen ? exchange.Order : long.MaxValue / 2 + exchange.Order;

    private void End()
    {
        foreach (var exchange in _exchanges.Values)
        {
            exchange.Abandon();
        }

        _exchanges.Clear();
        while (_unidentified.TryDequeue(out var waiting))
        {
            waiting.Abandon();
        }

        lock (_streamLock)
        {
            _serverStream?.Close();
            _serverStream = null;
            _backlog.Clear();
        }

        if (_closed.TrySetResult())
        {
            FrontDoorLog.SessionClosed(_logger, Id);
        }
    }
}
