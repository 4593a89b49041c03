using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using McpGateway.Core.Errors;
using Microsoft.Extensions.Logging;

namespace McpGateway.Host.Bridge;

/// <summary>
/// The bridge's connection to the gateway. First <c>mcpgateway/authenticate</c> (nothing from the client is read
/// before it succeeds), then bytes both ways without parsing them: the gateway parses strictly. Client bytes go out
/// whole lines at a time, so that a renewal the bridge sends by itself never lands inside a client frame. Gateway
/// bytes are split into lines only to recognise the answer to the bridge's own renewal, which is swallowed;
/// everything else is written through as it came, a batch per read.
/// </summary>
internal sealed class BridgeRelay : IAsyncDisposable
{
    public const string AuthenticateId = "mcpgw-bridge-auth";
    public const string RenewalIdPrefix = "mcpgw-bridge-renew-";

    /// <summary>A partial line longer than this is written through at once: it cannot be a renewal answer.</summary>
    private const int PassThroughThreshold = 64 * 1024;
    private const int MaxAuthenticateReplyBytes = 1024 * 1024;
    private const double RenewAtFraction = 0.8;
    private static readonly TimeSpan _minRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan _maxRetry = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan _maxDelay = TimeSpan.FromDays(30);

    private readonly PipeReader _fromClient;
    private readonly Stream _toClient;
    private readonly Stream _gateway;
    private readonly PipeReader _fromGateway;
    private readonly string _connection;
    private readonly ITokenSource? _tokens;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gatewayWrite = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _timerGate = new();
    private ITimer? _renewalTimer;
    private byte[]? _pendingRenewalId;
    private DateTimeOffset? _expiresAt;
    private int _renewals;

    public BridgeRelay(Stream clientInput, Stream clientOutput, Stream gateway, string connection, ITokenSource? tokens, TimeProvider timeProvider, ILogger logger)
    {
        _fromClient = PipeReader.Create(clientInput, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
        _toClient = clientOutput;
        _gateway = gateway;
        _fromGateway = PipeReader.Create(gateway, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
        _connection = connection;
        _tokens = tokens;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Number of renewals answered with success, for tests.</summary>
    public int RenewalsSucceeded { get; private set; }

    /// <summary>Authenticates, then relays until one side closes.</summary>
    public async Task<BridgeOutcome> RunAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
        var failure = await AuthenticateAsync(linked.Token).ConfigureAwait(false);
        if (failure is not null)
        {
            return failure;
        }

        var clientPump = PumpClientAsync(linked.Token);
        var gatewayPump = PumpGatewayAsync(linked.Token);
        var first = await Task.WhenAny(clientPump, gatewayPump).ConfigureAwait(false);
        await _stop.CancelAsync().ConfigureAwait(false);
        StopRenewals();
        if (first == clientPump && !clientPump.IsFaulted)
        {
            BridgeLog.ClientClosed(_logger);
            await _gateway.DisposeAsync().ConfigureAwait(false);
            await ObserveAsync(gatewayPump).ConfigureAwait(false);
            return new BridgeOutcome(BridgeExitCodes.ClientClosed, null);
        }

        // The client pump may sit in a read of stdin that cannot be cancelled; it is left to end with the process.
        _ = clientPump.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        if (cancellationToken.IsCancellationRequested)
        {
            // Asked to stop (SIGTERM): not a failure.
            await _gateway.DisposeAsync().ConfigureAwait(false);
            return new BridgeOutcome(BridgeExitCodes.ClientClosed, null);
        }

        if (first == gatewayPump && gatewayPump.IsFaulted && gatewayPump.Exception?.InnerException is ClientGoneException)
        {
            BridgeLog.ClientClosed(_logger);
            return new BridgeOutcome(BridgeExitCodes.ClientClosed, null);
        }

        BridgeLog.GatewayClosed(_logger);
        return new BridgeOutcome(BridgeExitCodes.GatewayClosed, "the gateway closed the connection");
    }

    private async Task<BridgeOutcome?> AuthenticateAsync(CancellationToken cancellationToken)
    {
        string? token = null;
        if (_tokens is not null)
        {
            try
            {
                token = await _tokens.GetTokenAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (TokenUnavailableException ex)
            {
                return new BridgeOutcome(BridgeExitCodes.AuthenticationFailed, $"no token to authenticate with: {ex.Message}");
            }
        }

        try
        {
            await WriteToGatewayAsync(AuthenticateFrame(AuthenticateId, token, _connection), cancellationToken).ConfigureAwait(false);
            var reply = await ReadAuthenticateReplyAsync(cancellationToken).ConfigureAwait(false);
            if (reply is null)
            {
                return new BridgeOutcome(BridgeExitCodes.AuthenticationFailed, "the gateway closed the connection without answering mcpgateway/authenticate");
            }

            if (!reply.Success)
            {
                return reply.ErrorCode == (long)GatewayErrorCode.UpstreamUnavailable
                    ? new BridgeOutcome(
                        BridgeExitCodes.UpstreamUnavailable,
                        $"the gateway accepted the token but cannot reach the MCP server of connection '{_connection}': {reply.DescribeError()}; the gateway's log says why")
                    : new BridgeOutcome(BridgeExitCodes.AuthenticationFailed, $"the gateway refused authentication for connection '{_connection}': {reply.DescribeError()}");
            }

            _expiresAt = reply.ExpiresAt;
            BridgeLog.Authenticated(_logger, reply.Subject, _connection, reply.ExpiresAt);
            if (_tokens is null)
            {
                BridgeLog.CertificateSession(_logger, reply.ExpiresAt);
            }
            else
            {
                ScheduleRenewal(RenewalDelay(reply.ExpiresAt));
            }

            return null;
        }
        catch (IOException ex)
        {
            return new BridgeOutcome(BridgeExitCodes.AuthenticationFailed, $"the connection to the gateway broke while authenticating: {ex.Message}");
        }
    }

    private async Task<AuthenticateReply?> ReadAuthenticateReplyAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _fromGateway.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var newline = buffer.PositionOf((byte)'\n');
            if (newline is { } end)
            {
                var reply = AuthenticateReply.Parse(buffer.Slice(0, end));
                _fromGateway.AdvanceTo(buffer.GetPosition(1, end));
                if (reply is null || reply.Id != AuthenticateId)
                {
                    throw new IOException("the gateway's first frame is not the answer to mcpgateway/authenticate");
                }

                return reply;
            }

            if (buffer.Length > MaxAuthenticateReplyBytes)
            {
                throw new IOException("the gateway's answer to mcpgateway/authenticate is too long");
            }

            _fromGateway.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                return null;
            }
        }
    }

    /// <summary>Client to gateway: whole lines under the write lock; a long partial line keeps the lock until its end.</summary>
    private async Task PumpClientAsync(CancellationToken cancellationToken)
    {
        var holding = false;
        try
        {
            while (true)
            {
                var result = await _fromClient.ReadAsync(cancellationToken).ConfigureAwait(false);
                var buffer = result.Buffer;
                var consumed = buffer.Start;
                var midLine = holding;
                if (LastLineEnd(buffer) is { } lineEnd)
                {
                    if (!holding)
                    {
                        await _gatewayWrite.WaitAsync(cancellationToken).ConfigureAwait(false);
                        holding = true;
                    }

                    await WriteAsync(_gateway, buffer.Slice(buffer.Start, lineEnd), cancellationToken).ConfigureAwait(false);
                    consumed = lineEnd;
                    midLine = false;
                }

                var tail = buffer.Slice(consumed);
                if (!tail.IsEmpty && (midLine || tail.Length >= PassThroughThreshold || result.IsCompleted))
                {
                    if (!holding)
                    {
                        await _gatewayWrite.WaitAsync(cancellationToken).ConfigureAwait(false);
                        holding = true;
                    }

                    await WriteAsync(_gateway, tail, cancellationToken).ConfigureAwait(false);
                    consumed = buffer.End;
                    midLine = true;
                }

                if (holding)
                {
                    await _gateway.FlushAsync(cancellationToken).ConfigureAwait(false);
                    if (!midLine)
                    {
                        // The bytes written end with a newline: a renewal may go out now.
                        holding = false;
                        _gatewayWrite.Release();
                    }
                }

                _fromClient.AdvanceTo(consumed, buffer.End);
                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
        finally
        {
            if (holding)
            {
                _gatewayWrite.Release();
            }
        }
    }

    /// <summary>Gateway to client: everything as it came, except the answer to a pending renewal.</summary>
    private async Task PumpGatewayAsync(CancellationToken cancellationToken)
    {
        var passThrough = false;
        while (true)
        {
            var result = await _fromGateway.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var unwritten = buffer.Start;
            var consumed = buffer.Start;
            while (buffer.Slice(consumed).PositionOf((byte)'\n') is { } newline)
            {
                var lineEnd = buffer.GetPosition(1, newline);
                if (passThrough)
                {
                    passThrough = false;
                }
                else if (IsPendingRenewalAnswer(buffer.Slice(consumed, newline)))
                {
                    await WriteToClientAsync(buffer.Slice(unwritten, consumed), cancellationToken).ConfigureAwait(false);
                    OnRenewalAnswer(AuthenticateReply.Parse(buffer.Slice(consumed, newline)));
                    unwritten = lineEnd;
                }

                consumed = lineEnd;
            }

            if (passThrough || buffer.Slice(consumed).Length >= PassThroughThreshold || result.IsCompleted)
            {
                passThrough = !result.IsCompleted && !buffer.Slice(consumed).IsEmpty;
                consumed = buffer.End;
            }

            await WriteToClientAsync(buffer.Slice(unwritten, consumed), cancellationToken).ConfigureAwait(false);
            try
            {
                await _toClient.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                throw new ClientGoneException(ex);
            }

            _fromGateway.AdvanceTo(consumed, buffer.End);
            if (result.IsCompleted)
            {
                return;
            }
        }
    }

    private async ValueTask WriteToClientAsync(ReadOnlySequence<byte> bytes, CancellationToken cancellationToken)
    {
        try
        {
            await WriteAsync(_toClient, bytes, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            throw new ClientGoneException(ex);
        }
    }

    private bool IsPendingRenewalAnswer(in ReadOnlySequence<byte> line)
    {
        var pending = Volatile.Read(ref _pendingRenewalId);
        if (pending is null || line.Length > PassThroughThreshold)
        {
            return false;
        }

        if (line.IsSingleSegment)
        {
            if (line.FirstSpan.IndexOf(pending) < 0)
            {
                return false;
            }
        }
        else
        {
            var copy = ArrayPool<byte>.Shared.Rent((int)line.Length);
            try
            {
                line.CopyTo(copy);
                if (copy.AsSpan(0, (int)line.Length).IndexOf(pending) < 0)
                {
                    return false;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(copy);
            }
        }

        // The id text occurs in the line; only a response whose own id it is counts (not a tool result quoting it).
        var reader = new Utf8JsonReader(line);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            var isOurs = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("method"u8))
                {
                    return false;
                }

                var isId = reader.ValueTextEquals("id"u8);
                reader.Read();
                if (isId)
                {
                    isOurs = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(pending.AsSpan(1, pending.Length - 2));
                }
                else
                {
                    reader.Skip();
                }
            }

            return isOurs;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private void OnRenewalAnswer(AuthenticateReply? reply)
    {
        Volatile.Write(ref _pendingRenewalId, null);
        if (reply is { Success: true })
        {
            _expiresAt = reply.ExpiresAt;
            RenewalsSucceeded++;
            BridgeLog.Renewed(_logger, reply.ExpiresAt);
            ScheduleRenewal(RenewalDelay(reply.ExpiresAt));
            return;
        }

        var delay = RetryDelay();
        BridgeLog.RenewalRefused(_logger, reply?.DescribeError() ?? "an unreadable answer", delay);
        ScheduleRenewal(delay);
    }

    private TimeSpan RenewalDelay(DateTimeOffset? expiresAt)
    {
        if (expiresAt is null)
        {
            return _maxRetry;
        }

        var remaining = expiresAt.Value - _timeProvider.GetUtcNow();
        var delay = remaining * RenewAtFraction;
        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay > _maxDelay ? _maxDelay : delay;
    }

    private TimeSpan RetryDelay()
    {
        var remaining = (_expiresAt ?? _timeProvider.GetUtcNow()) - _timeProvider.GetUtcNow();
        var delay = remaining / 4;
        return delay < _minRetry ? _minRetry : delay > _maxRetry ? _maxRetry : delay;
    }

    private void ScheduleRenewal(TimeSpan delay)
    {
        lock (_timerGate)
        {
            if (_stop.IsCancellationRequested)
            {
                return;
            }

            _renewalTimer?.Dispose();
            _renewalTimer = _timeProvider.CreateTimer(static s => ((BridgeRelay)s!).StartRenewal(), this, delay, Timeout.InfiniteTimeSpan);
        }

        BridgeLog.RenewalScheduled(_logger, _renewals + 1, delay);
    }

    private void StopRenewals()
    {
        lock (_timerGate)
        {
            _renewalTimer?.Dispose();
            _renewalTimer = null;
        }
    }

    private void StartRenewal() => _ = RenewAsync();

    private async Task RenewAsync()
    {
        try
        {
            string token;
            try
            {
                token = await _tokens!.GetTokenAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (TokenUnavailableException ex)
            {
                var delay = RetryDelay();
                BridgeLog.RenewalTokenUnavailable(_logger, ex.Message, delay);
                ScheduleRenewal(delay);
                return;
            }

            var number = Interlocked.Increment(ref _renewals);
            var id = RenewalIdPrefix + number.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Volatile.Write(ref _pendingRenewalId, Encoding.UTF8.GetBytes("\"" + id + "\""));
            await WriteToGatewayAsync(AuthenticateFrame(id, token, _connection), _stop.Token).ConfigureAwait(false);
            BridgeLog.RenewalSent(_logger, number);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            // The bridge is stopping.
        }
        catch (IOException ex)
        {
            // The connection broke; the pumps see it too and end the bridge.
            BridgeLog.RenewalFailed(_logger, ex);
        }
    }

    private async Task WriteToGatewayAsync(byte[] frame, CancellationToken cancellationToken)
    {
        await _gatewayWrite.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _gateway.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
            await _gateway.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gatewayWrite.Release();
        }
    }

    /// <summary><c>{"jsonrpc":"2.0","id":ID,"method":"mcpgateway/authenticate","params":{"token":T,"connection":C}}</c> and a newline.</summary>
    internal static byte[] AuthenticateFrame(string id, string? token, string connection)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + (token?.Length ?? 0));
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("jsonrpc"u8, "2.0"u8);
            json.WriteString("id"u8, id);
            json.WriteString("method"u8, "mcpgateway/authenticate"u8);
            json.WriteStartObject("params"u8);
            if (token is not null)
            {
                json.WriteString("token"u8, token);
            }

            json.WriteString("connection"u8, connection);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        buffer.Write("\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    private static async ValueTask WriteAsync(Stream stream, ReadOnlySequence<byte> bytes, CancellationToken cancellationToken)
    {
        foreach (var segment in bytes)
        {
            await stream.WriteAsync(segment, cancellationToken).ConfigureAwait(false);
        }
    }

    private static SequencePosition? LastLineEnd(in ReadOnlySequence<byte> buffer)
    {
        SequencePosition? last = null;
        var position = buffer.Start;
        var segmentStart = position;
        while (buffer.TryGet(ref position, out var memory))
        {
            var index = memory.Span.LastIndexOf((byte)'\n');
            if (index >= 0)
            {
                last = buffer.GetPosition(index + 1, segmentStart);
            }

            segmentStart = position;
        }

        return last;
    }

    private static async Task ObserveAsync(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException or ClientGoneException)
        {
            // Ending anyway.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        StopRenewals();
        await _fromGateway.CompleteAsync().ConfigureAwait(false);
        await _gateway.DisposeAsync().ConfigureAwait(false);
        _gatewayWrite.Dispose();
        _stop.Dispose();
    }
}
