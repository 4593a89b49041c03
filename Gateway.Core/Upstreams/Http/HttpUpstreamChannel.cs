using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Threading.Channels;
using System.Text.Json;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;
using McpGateway.Core.Messaging;

namespace McpGateway.Core.Upstreams.Http;

/// <summary>
/// One client session's view of a Streamable HTTP upstream, as newline-delimited frames like every other channel.
/// Each frame the session writes becomes one POST carrying the gateway's headers; every JSON body and every SSE
/// <c>data:</c> event that comes back becomes one frame, in arrival order, so the session inspects each on its own.
/// 2025-era messages share the upstream's MCP session (<c>Mcp-Session-Id</c> from the initialize response,
/// <c>MCP-Protocol-Version</c> once negotiated, the GET stream, DELETE at the end); a message carrying the 2026-07-28
/// per-request claim is stateless (<c>Mcp-Method</c>, <c>Mcp-Name</c>, no session). It speaks to the session core in
/// messages (<see cref="IMessageChannel"/>): the core hands each message with its envelope to <see cref="Sink"/>, and each
/// message that comes back is scanned once here and delivered with its envelope. An exchange that fails answers its
/// call through <see cref="IUpstreamInlet.FailRequest"/>: never a hang, never a lost response.
/// </summary>
internal sealed partial class HttpUpstreamChannel : IUpstreamChannel, IMessageChannel
{
    private static readonly TimeSpan DeleteTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan DefaultReconnectDelay = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxReconnectDelay = TimeSpan.FromSeconds(5);
    private const int MaxResumptions = 5;

    // Messages the session may have written ahead of the POSTs: past this, its batches wait (backpressure).
    private const int MaxQueued = 64;

    private readonly HttpUpstreamClient _client;
    private readonly KeyValuePair<string, string>[] _headers;
    // The dispatcher wakes on the writer's thread: the core's batch starts its POST itself instead of queueing a
    // thread-pool item per message. Nothing in the dispatch blocks: a POST that cannot leave at once awaits.
    private readonly Channel<(byte[] Body, FrameEnvelope Envelope, long Generation)> _queue = Channel.CreateUnbounded<(byte[], FrameEnvelope, long)>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = true, AllowSynchronousContinuations = true });
    private readonly SemaphoreSlim _room = new(MaxQueued, int.MaxValue);
    private readonly HttpUpstreamSink _sink;
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly CancellationTokenSource _closing = new();
    private readonly ConcurrentDictionary<Task, bool> _exchanges = new();
    // The calls in flight, by id and generation: a client may reuse an id once its first call was answered (by the server on
    // another stream, or by the gateway once its tombstone expired), while the first exchange still runs.
    private readonly ConcurrentDictionary<(JsonRpcId Id, long Generation), bool> _calls = new();
    private readonly ConcurrentBag<EnvelopeScanner> _scanners = [];
    private readonly Task _dispatcher;
    private IUpstreamInlet? _inlet;
    private Task? _getStream;
    private volatile string? _sessionId;
    private volatile string? _protocolVersion;
    private int _oversized;
    private int _disposed;

    private HttpUpstreamChannel(HttpUpstreamClient client, KeyValuePair<string, string>[] headers)
    {
        _client = client;
        _headers = headers;
        _sink = new HttpUpstreamSink(_queue.Writer, _room, id => Volatile.Read(ref _inlet)?.Forwarding(id) ?? 0, _closing.Token);
        Description = $"http {client.Settings.Url.GetLeftPart(UriPartial.Path)}";
        _dispatcher = Task.Run(DispatchAsync);
    }

    /// <summary>Not used: the channel speaks in messages (<see cref="Messages"/>).</summary>
    public PipeReader Input => throw new NotSupportedException("the HTTP upstream speaks to the session in messages");

    /// <summary>Not used: the channel speaks in messages (<see cref="Messages"/>).</summary>
    public PipeWriter Output => throw new NotSupportedException("the HTTP upstream speaks to the session in messages");

    public IMessageChannel Messages => this;

    /// <summary>Where the session core writes the messages bound for the upstream: each becomes one POST, in order.</summary>
    public FrameSink Sink => _sink;

    public string Description { get; }

    /// <inheritdoc/>
    public GatewayError? EndError => Volatile.Read(ref _oversized) != 0 ? GatewayErrors.UpstreamFrameTooLarge : null;

    private string Connection => _client.Settings.Name;

    /// <summary>Resolves the gateway's headers for this session (secrets read now); throws <see cref="InvalidOperationException"/> naming a missing source, never a value.</summary>
    public static HttpUpstreamChannel Open(HttpUpstreamClient client)
    {
        var headers = client.Settings.Headers.Select(pair =>
        {
            var value = pair.Value.Resolve();
            if (!OutgoingHeaders.IsSafe(value))
            {
                throw new InvalidOperationException($"header '{pair.Key}' of connection '{client.Settings.Name}' contains CR, LF or NUL");
            }

            return new KeyValuePair<string, string>(pair.Key, value);
        }).ToArray();
        return new HttpUpstreamChannel(client, headers);
    }

    /// <summary>Delivers the upstream's messages into <paramref name="inlet"/> until the upstream ends for this session.</summary>
    public async Task RunAsync(IUpstreamInlet inlet, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _inlet, inlet);
        try
        {
            await _ended.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The session ended first.
        }
    }

    /// <summary>Posts the session's messages one after another: the next is sent once the previous one's body is on the wire.</summary>
    private async Task DispatchAsync()
    {
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_closing.Token).ConfigureAwait(false))
            {
                while (reader.TryRead(out var message))
                {
                    _room.Release();
                    await PostAsync(message.Body, message.Envelope, message.Generation).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The session ended.
        }
    }

    /// <summary>Starts the exchange of one message and returns once its body is on the wire (or the exchange ended).</summary>
    private async Task PostAsync(byte[] body, FrameEnvelope envelope, long generation)
    {
        var head = new Outgoing(envelope.Kind, envelope.Id, envelope.Method, McpHeaders.Of(envelope, body), generation);
        if (Unsendable(head) is { } refusal)
        {
            // Client input that would have to travel in a header and does not fit its grammar: nothing is sent.
            HttpLog.MessageRefused(_client.Logger, Connection, head.Method ?? "a message", refusal.Reason);
            Fail(head, refusal);
            return;
        }

        if (head.Kind == MessageKind.Request)
        {
            _calls.TryAdd((head.Id, head.Generation), true);
        }

        var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var exchange = ExchangeAsync(body, head, sent);
        _exchanges.TryAdd(exchange, true);
        _ = exchange.ContinueWith(static (t, s) => ((ConcurrentDictionary<Task, bool>)s!).TryRemove(t, out _), _exchanges, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        await Task.WhenAny(sent.Task, exchange).ConfigureAwait(false);
    }

    private async Task ExchangeAsync(byte[] body, Outgoing head, TaskCompletionSource sent)
    {
        // One source per exchange: the deadline, also cancelled when the channel closes (a registration, where a linked
        // source would be a second source and two registrations).
        using var deadline = new CancellationTokenSource(_client.Settings.RequestTimeout, _client.TimeProvider);
        using var closing = _closing.Token.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), deadline);
        var token = deadline.Token;
        try
        {
            using var response = await _client.SendAsync(() => BuildPost(body, head, sent), token).ConfigureAwait(false);
            await OnResponseAsync(response, head, token).ConfigureAwait(false);
        }
        catch (UnsentRequestException ex)
        {
            Fail(head, GatewayErrors.UpstreamUnavailable, ex);
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
            // The session ended; its pending calls are the session's to answer.
        }
        catch (OperationCanceledException ex)
        {
            Fail(head, GatewayErrors.UpstreamTimedOut, ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            // The request may have reached the server: it is never sent again.
            Fail(head, GatewayErrors.UpstreamExited, ex);
        }
        catch (Exception ex)
        {
            // Whatever else went wrong, the call is answered and the session is not torn down by it.
            Fail(head, GatewayErrors.UpstreamUnavailable, ex);
        }
        finally
        {
            sent.TrySetResult();
            if (head.Kind == MessageKind.Request)
            {
                _calls.TryRemove((head.Id, head.Generation), out _);
            }
        }
    }

    private async Task OnResponseAsync(HttpResponseMessage response, Outgoing head, CancellationToken cancellationToken)
    {
        if (head.Method == McpMethods.Initialize && head.Headers.ClaimedVersion is null
            && response.IsSuccessStatusCode && response.Headers.TryGetValues("Mcp-Session-Id", out var sessions))
        {
            // The server's choice travels back in every later request's headers: visible ASCII only, as MCP requires.
            var session = sessions.FirstOrDefault();
            if (!OutgoingHeaders.IsVisibleAscii(session))
            {
                HttpLog.MessageDropped(_client.Logger, Connection, head.Method, "the Mcp-Session-Id is not visible ASCII");
                Fail(head, GatewayErrors.UpstreamProtocolViolation);
                return;
            }

            _sessionId = session;
        }

        if (!response.IsSuccessStatusCode)
        {
            await OnErrorStatusAsync(response, head, cancellationToken).ConfigureAwait(false);
            return;
        }

        var media = response.Content.Headers.ContentType?.MediaType;
        if (response.StatusCode == HttpStatusCode.Accepted || (media is null && response.Content.Headers.ContentLength is null or 0))
        {
            if (head.Kind == MessageKind.Request)
            {
                HttpLog.BadStatus(_client.Logger, Connection, head.Method!, response.StatusCode, GatewayErrors.UpstreamProtocolViolation.Reason);
                Fail(head, GatewayErrors.UpstreamProtocolViolation);
            }
            else if (head.Method == McpMethods.NotificationsInitialized && head.Headers.ClaimedVersion is null)
            {
                OpenGetStream();
            }

            return;
        }

        if (string.Equals(media, "text/event-stream", StringComparison.OrdinalIgnoreCase))
        {
            await RelayEventsAsync(response, head, cancellationToken).ConfigureAwait(false);
        }
        else if (string.Equals(media, "application/json", StringComparison.OrdinalIgnoreCase))
        {
            var message = await ReadBodyAsync(response, cancellationToken).ConfigureAwait(false);
            if (message is null)
            {
                await EndOversizedAsync(head, "JSON body").ConfigureAwait(false);
                return;
            }

            var line = JsonLine.Normalize(message);
            if (line is null || !IsJsonObject(line))
            {
                HttpLog.MessageDropped(_client.Logger, Connection, head.Method ?? "a response", "not one JSON object");
                Fail(head, GatewayErrors.UpstreamProtocolViolation);
                return;
            }

            var scanner = RentScanner();
            var answered = await RelayMessageAsync(line, head, scanner).ConfigureAwait(false);
            _scanners.Add(scanner);
            if (!answered)
            {
                Fail(head, GatewayErrors.UpstreamProtocolViolation);
            }
        }
        else
        {
            HttpLog.MessageDropped(_client.Logger, Connection, head.Method ?? "a response", $"content type '{media}' is neither JSON nor an event stream");
            Fail(head, GatewayErrors.UpstreamProtocolViolation);
        }
    }

    private async Task OnErrorStatusAsync(HttpResponseMessage response, Outgoing head, CancellationToken cancellationToken)
    {
        if (response.StatusCode == HttpStatusCode.NotFound && _sessionId is not null && head.Headers.ClaimedVersion is null)
        {
            // The server ended (or forgot) the MCP session: nothing more can be relayed on it.
            HttpLog.SessionExpired(_client.Logger, Connection);
            Fail(head, GatewayErrors.UpstreamExited);
            await EndAsync().ConfigureAwait(false);
            return;
        }

        // A JSON-RPC error in the body is the server's answer to this message, bound to it by the exchange; except a
        // refusal of the gateway's own credentials, which is the operator's problem and no answer to the client's call.
        if (head.Kind == MessageKind.Request
            && response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.ProxyAuthenticationRequired)
            && string.Equals(response.Content.Headers.ContentType?.MediaType, "application/json", StringComparison.OrdinalIgnoreCase))
        {
            var body = await ReadBodyAsync(response, cancellationToken).ConfigureAwait(false);
            if (body is null)
            {
                await EndOversizedAsync(head, "JSON error body").ConfigureAwait(false);
                return;
            }

            if (ErrorFor(body, head.Id) is { } answer)
            {
                var scanner = RentScanner();
                await RelayMessageAsync(answer, head, scanner).ConfigureAwait(false);
                _scanners.Add(scanner);
                return;
            }
        }

        var error = response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.GatewayTimeout ? GatewayErrors.UpstreamTimedOut : GatewayErrors.UpstreamUnavailable;
        HttpLog.BadStatus(_client.Logger, Connection, head.Method ?? "a response", response.StatusCode, error.Reason);
        Fail(head, error);
    }

    /// <summary>Hands one message to the session with what the channel's scan of it found; the session is done with it when this returns.</summary>
    private async ValueTask DeliverAsync(byte[] line, FrameEnvelope envelope, GatewayError? invalid, long answers)
    {
        await _writeGate.WaitAsync(_closing.Token).ConfigureAwait(false);
        try
        {
            if (_ended.Task.IsCompleted || Volatile.Read(ref _inlet) is not { } inlet)
            {
                return;
            }

            await inlet.DeliverAsync(new ReadOnlySequence<byte>(line), envelope, invalid, answers, _closing.Token).ConfigureAwait(false);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>
    /// Decision 1 of the wire contract: an upstream message over <c>maxUpstreamFrameBytes</c> ends that upstream. Its
    /// stream is read no further, nothing more is sent to it, every call in flight gets <c>-31010</c>
    /// (<c>upstream_frame_too_large</c>) once, and the session sees its upstream end.
    /// </summary>
    private async Task EndOversizedAsync(Outgoing head, string what)
    {
        if (Interlocked.Exchange(ref _oversized, 1) != 0)
        {
            return;
        }

        HttpLog.FrameTooLarge(_client.Logger, Connection, head.Method ?? "the GET stream", what, _client.Limits.MaxFrameBytes);
        var calls = _calls.Keys.ToArray();
        if (head.Kind == MessageKind.Request && !calls.Contains((head.Id, head.Generation)))
        {
            calls = [.. calls, (head.Id, head.Generation)];
        }

        // Stops every exchange, the GET stream and the dispatcher: their calls are answered here, not by them.
        await _closing.CancelAsync().ConfigureAwait(false);
        foreach (var (id, generation) in calls)
        {
            Volatile.Read(ref _inlet)?.FailRequest(id, generation, GatewayErrors.UpstreamFrameTooLarge);
        }

        await EndAsync().ConfigureAwait(false);
    }

    /// <summary>The upstream is gone for this session: the session sees its input end and fails what is pending.</summary>
    private async Task EndAsync()
    {
        await _writeGate.WaitAsync().ConfigureAwait(false);
        try
        {
            _ended.TrySetResult();
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private void Fail(Outgoing head, GatewayError error, Exception? exception = null)
    {
        if (exception is not null)
        {
            HttpLog.ExchangeFailed(_client.Logger, Connection, head.Method ?? "a response", error.Reason, exception);
        }

        if (head.Kind == MessageKind.Request)
        {
            Volatile.Read(ref _inlet)?.FailRequest(head.Id, head.Generation, error);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete();
        await _closing.CancelAsync().ConfigureAwait(false);
        await _dispatcher.ConfigureAwait(false);
        await Task.WhenAll(_exchanges.Keys).ConfigureAwait(false);
        if (_getStream is not null)
        {
            await _getStream.ConfigureAwait(false);
        }

        await DeleteSessionAsync().ConfigureAwait(false);
        await EndAsync().ConfigureAwait(false);
        _sink.Dispose();
        _closing.Dispose();
        _writeGate.Dispose();
        _room.Dispose();
    }

    /// <summary>2025 era: tells the server the MCP session is over (a server may refuse with 405; that is fine).</summary>
    private async Task DeleteSessionAsync()
    {
        if (_sessionId is null)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(DeleteTimeout, _client.TimeProvider);
            using var response = await _client.SendOnceAsync(() => { var r = NewRequest(HttpMethod.Delete); AddSessionHeaders(r); return r; }, timeout.Token).ConfigureAwait(false);
            HttpLog.SessionDeleted(_client.Logger, Connection, response.StatusCode);
        }
        catch (Exception ex)
        {
            // Best effort: the server's session expires on its own.
            HttpLog.SessionDeleteFailed(_client.Logger, Connection, ex);
        }
    }

    private enum EventOutcome
    {
        Relayed,
        Answered,
        Invalid,
    }

    /// <summary>What the exchange of one outgoing message needs to know about it; a request's <see cref="Generation"/> is the session's (see <see cref="IUpstreamInlet.Forwarding"/>).</summary>
    private readonly record struct Outgoing(MessageKind Kind, JsonRpcId Id, string? Method, McpHeaders Headers, long Generation = 0);
}
