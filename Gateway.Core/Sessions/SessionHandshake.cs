using System.Buffers;
using System.IO.Pipelines;
using McpGateway.Core.Configuration;
using McpGateway.Core.Diagnostics;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;
using McpGateway.Core.Identity;
using McpGateway.Core.Listener;
using McpGateway.Core.Upstreams;
using Microsoft.AspNetCore.Connections;

namespace McpGateway.Core.Sessions;

/// <summary>
/// How a session begins: an identity (from <c>mcpgateway/authenticate</c>, a client certificate, or an adapter that
/// authenticated the client itself), admission to a connection, the start on record, then the upstream opened. Every
/// refusal is recorded (never the token, only its hash; of the first frame only its size and hash) and returned.
/// </summary>
internal sealed class SessionHandshake(GatewaySession session, Func<string, GatewayIdentity?>? certificateIdentity, ConnectionLease? lease)
{
    /// <summary>What an adapter's start stands for on record, where a socket's first frame would be.</summary>
    private static readonly FrameEnvelope AdapterStart = new(MessageKind.Request, JsonRpcId.None, McpMethods.Authenticate, true, null, default);

    private readonly GatewayRuntime _runtime = session.Runtime;

    private GatewaySettings Settings => _runtime.Settings;

    /// <summary>
    /// NDJSON: reads the first frame from <paramref name="input"/> within the pre-auth timeout and answers it on the
    /// client's sink (the authenticate result, or the refusal). Consumes through the authenticate frame; anything
    /// pipelined after it, and a first frame accepted on the strength of a client certificate alone, stays for the pump.
    /// </summary>
    public async Task<HandshakeResult> ReadAsync(PipeReader input)
    {
        using var deadline = new CancellationTokenSource(Settings.PreAuthTimeout, _runtime.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, session.Ended);
        var atStart = true;
        while (true)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !session.Ended.IsCancellationRequested)
            {
                return await AnswerAsync(JsonRpcId.None, await RefuseAsync(GatewayErrors.AuthenticationTimeout).ConfigureAwait(false)).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or ConnectionResetException)
            {
                session.SetEndReason("client closed before authenticating", overwrite: true);
                return HandshakeResult.Gone;
            }

            var buffer = result.Buffer;
            if (atStart)
            {
                // A byte-order mark is stripped at the very start of the connection only.
                atStart = !ByteOrderMark.TrySkip(ref buffer, result.IsCompleted);
                if (atStart)
                {
                    input.AdvanceTo(buffer.Start, buffer.End);
                    continue;
                }
            }

            var start = buffer.Start;
            var status = FrameReader.TryReadFrame(ref buffer, Settings.ClientLimits.MaxFrameBytes, out var payload);
            if (status == FrameReadStatus.Frame)
            {
                HandshakeResult outcome = default;
                try
                {
                    var scanner = new EnvelopeScanner(Settings.ClientLimits);
                    var invalid = scanner.Scan(payload, out var envelope);
                    var id = envelope.Kind == MessageKind.Request ? envelope.Id : JsonRpcId.None;
                    outcome = await FirstFrameAsync(payload, envelope, invalid, linked.Token).ConfigureAwait(false);
                    return await AnswerAsync(id, outcome).ConfigureAwait(false);
                }
                finally
                {
                    input.AdvanceTo(outcome.Start?.ReplayFirstFrame == true ? start : buffer.Start);
                }
            }

            input.AdvanceTo(buffer.Start, buffer.End);
            if (status == FrameReadStatus.TooLarge)
            {
                return await AnswerAsync(JsonRpcId.None, await RefuseAsync(GatewayErrors.Unauthenticated).ConfigureAwait(false)).ConfigureAwait(false);
            }

            if (result.IsCompleted)
            {
                session.SetEndReason("client closed before authenticating", overwrite: true);
                return HandshakeResult.Gone;
            }
        }
    }

    /// <summary>For an adapter with a token of its own (the front door's bearer token): authenticates it, then <see cref="AdmitAsync"/>.</summary>
    public async Task<HandshakeResult> AuthenticateAsync(string token, string? connectionName, CancellationToken cancellationToken)
    {
        AuthenticationOutcome outcome;
        try
        {
            outcome = await _runtime.Authenticator.AuthenticateAsync(token, session.Resource, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!session.Ended.IsCancellationRequested)
        {
            return await RefuseAsync(GatewayErrors.AuthenticationTimeout, default, token).ConfigureAwait(false);
        }

        return outcome.Identity is { } identity
            ? await AdmitAsync(identity, connectionName, token).ConfigureAwait(false)
            : await RefuseAsync(outcome.Error ?? GatewayErrors.InvalidToken, default, token).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts the session of an identity already established: admission to <paramref name="connectionName"/> (the
    /// sole connection when null), the subject's connection limit, the start on record, then the upstream.
    /// </summary>
    public Task<HandshakeResult> AdmitAsync(GatewayIdentity identity, string? connectionName, string? token = null) =>
        AdmitAsync(identity, connectionName, token, default, AdapterStart, replayFirstFrame: false);


    private async Task<HandshakeResult> FirstFrameAsync(ReadOnlySequence<byte> payload, FrameEnvelope envelope, GatewayError? invalid, CancellationToken cancellationToken)
    {
        if (invalid is not null)
        {
            return await RefuseAsync(GatewayErrors.Unauthenticated, payload).ConfigureAwait(false);
        }

        if (envelope.Kind != MessageKind.Request || envelope.Method != McpMethods.Authenticate)
        {
            // A connection whose client certificate maps to an identity may skip authenticate: its first frame is
            // then an ordinary MCP frame, for the connection the listener is bound to.
            return certificateIdentity?.Invoke(session.Id) is { } certified
                ? await AdmitAsync(certified, null, null, payload, envelope, replayFirstFrame: true).ConfigureAwait(false)
                : await RefuseAsync(GatewayErrors.Unauthenticated, payload).ConfigureAwait(false);
        }

        if (!AuthenticateParams.TryReadFields(payload, envelope, out var token, out var connectionName))
        {
            return await RefuseAsync(GatewayErrors.InvalidToken, payload, token).ConfigureAwait(false);
        }

        GatewayIdentity? identity;
        if (token is null)
        {
            identity = certificateIdentity?.Invoke(session.Id);
        }
        else
        {
            AuthenticationOutcome outcome;
            try
            {
                outcome = await _runtime.Authenticator.AuthenticateAsync(token, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!session.Ended.IsCancellationRequested)
            {
                return await RefuseAsync(GatewayErrors.AuthenticationTimeout, payload, token).ConfigureAwait(false);
            }

            identity = outcome.Identity;
            if (identity is null)
            {
                return await RefuseAsync(outcome.Error ?? GatewayErrors.InvalidToken, payload, token).ConfigureAwait(false);
            }
        }

        return identity is null
            ? await RefuseAsync(GatewayErrors.InvalidToken, payload, token).ConfigureAwait(false)
            : await AdmitAsync(identity, connectionName, token, payload, envelope, replayFirstFrame: false).ConfigureAwait(false);
    }

    private async Task<HandshakeResult> AdmitAsync(GatewayIdentity identity, string? connectionName, string? token, ReadOnlySequence<byte> firstFrame, FrameEnvelope first, bool replayFirstFrame)
    {
        ConnectionSettings? connection = null;
        if (connectionName is null ? (connection = Settings.SoleConnection) is null : !Settings.Connections.TryGetValue(connectionName, out connection))
        {
            return await RefuseAsync(GatewayErrors.UnknownConnection, firstFrame, token, identity).ConfigureAwait(false);
        }

        if (!Settings.Admits(connection, identity))
        {
            GatewayLog.ConnectionNotAllowed(_runtime.Logger, session.Id, identity.Subject, connection.Name);
            return await RefuseAsync(GatewayErrors.ConnectionNotAllowed, firstFrame, token, identity).ConfigureAwait(false);
        }

        if (lease is not null && !lease.TryClaimIdentity(identity.Subject))
        {
            return await RefuseAsync(ConnectionLimiter.TooManyConnections, firstFrame, token, identity).ConfigureAwait(false);
        }

        // Recorded before the upstream is reached: a session the store cannot record does not begin.
        session.Begin(identity, connection);
        if (!await session.Recording.RecordAsync(FrameOutcome.SessionStarted(), session.Ended).ConfigureAwait(false))
        {
            return await RefuseAsync(GatewayErrors.AuditUnavailable).ConfigureAwait(false);
        }

        session.StartRecorded();
        IUpstreamChannel upstream;
        try
        {
            upstream = await _runtime.Connector.ConnectAsync(connection, session.Ended).ConfigureAwait(false);
        }
        catch (UpstreamUnavailableException ex)
        {
            GatewayLog.UpstreamUnavailable(_runtime.Logger, session.Id, connection.Name, ex.Message);
            session.SetEndReason("upstream unavailable", overwrite: true);
            var error = GatewayErrors.UpstreamUnavailable;
            _runtime.Metrics.UpstreamError(error, 1);

            // A frame of the gateway's own after the session began: recorded (generated) before it is sent.
            var sequence = session.NextSequence();
            var id = first.Kind == MessageKind.Request ? first.Id : JsonRpcId.None;
            var answered = FrameOutcome.Answered(FrameDirection.UpstreamToClient, id, first.Method, first.ToolName, sequence, error, refusesSession: true);
            await session.Recording.RecordAsync(answered, session.Ended).ConfigureAwait(false);
            return HandshakeResult.Refused(error, sequence);
        }

        GatewayLog.UpstreamStarted(_runtime.Logger, session.Id, connection.Name, upstream.Description);
        GatewayLog.SessionAuthenticated(_runtime.Logger, session.Id, identity.Subject, connection.Name);
        _runtime.Metrics.SessionAuthenticated();
        return HandshakeResult.Started(new SessionStart(identity, connection, upstream, replayFirstFrame));
    }

    /// <summary>Refuses the connection before its session began, and records that (a refusal for want of the audit store could not be).</summary>
    private async Task<HandshakeResult> RefuseAsync(GatewayError error, ReadOnlySequence<byte> firstFrame = default, string? token = null, GatewayIdentity? identity = null)
    {
        session.SetEndReason(error.Reason, overwrite: true);
        GatewayLog.SessionRefused(_runtime.Logger, session.Id, error.Reason);
        await session.Recording.RecordAsync(FrameOutcome.SessionRefused(error, identity, token, firstFrame), session.Ended).ConfigureAwait(false);
        return HandshakeResult.Refused(error);
    }

    /// <summary>NDJSON: the client learns the outcome in answer to its first frame (nothing, for a certificate's replayed frame).</summary>
    private async Task<HandshakeResult> AnswerAsync(JsonRpcId id, HandshakeResult outcome)
    {
        var sink = session.ClientSink;
        if (outcome.Start is { } start)
        {
            if (start.ReplayFirstFrame)
            {
                return outcome;
            }

            var result = AuthenticateResult.Create(session.Id, start.Identity, start.Connection.Name);
            var told = false;
            try
            {
                told = await sink.WriteAloneAsync((id, result), static (w, s) => w.WriteResult(s.id, s.result), session.Ended).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The session ended meanwhile.
            }

            if (told)
            {
                return outcome;
            }

            // The client left before it learned that it is in: the upstream just opened is closed again.
            await start.Upstream.DisposeAsync().ConfigureAwait(false);
            return HandshakeResult.Gone;
        }

        if (outcome.Refusal is { } error)
        {
            try
            {
                var cancel = outcome.Sequence == 0 ? CancellationToken.None : session.Ended;
                await sink.WriteAloneAsync((id, error, session.CorrelationId(outcome.Sequence)), static (w, s) => w.WriteError(s.id, s.error, s.Item3), cancel).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or ConnectionResetException or ObjectDisposedException)
            {
                // The client is already gone.
            }
        }

        return outcome;
    }
}
