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

/// <summary>The first frame: authenticate (or a client certificate), then open the upstream.</summary>
internal sealed partial class GatewaySession
{
    private async Task<bool> HandshakeAsync()
    {
        using var deadline = new CancellationTokenSource(Settings.PreAuthTimeout, _runtime.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, _end.Token);
        var input = _client.Input;
        var atStart = true;
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
                try
                {
                    return await AuthenticateFirstAsync(payload, linked.Token).ConfigureAwait(false);
                }
                finally
                {
                    // Consumed through the authenticate frame; anything pipelined after it stays for the pump. A first
                    // frame accepted on the strength of a client certificate alone stays too: the pump handles it.
                    input.AdvanceTo(_replayFirstFrame ? start : buffer.Start);
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
            await RefuseAsync(id, GatewayErrors.Unauthenticated, payload).ConfigureAwait(false);
            return false;
        }

        GatewayIdentity? identity;
        string? connectionName = null;
        string? token = null;
        if (envelope.Kind != MessageKind.Request || envelope.Method != McpMethods.Authenticate)
        {
            // A connection whose client certificate maps to an identity may skip authenticate: its first frame is
            // then an ordinary MCP frame, for the connection the listener is bound to.
            identity = _certificateIdentity?.Invoke(Id);
            if (identity is null)
            {
                await RefuseAsync(id, GatewayErrors.Unauthenticated, payload).ConfigureAwait(false);
                return false;
            }

            _replayFirstFrame = true;
        }
        else if (!AuthenticateParams.TryReadFields(payload, envelope, out token, out connectionName))
        {
            await RefuseAsync(id, GatewayErrors.InvalidToken, payload, token).ConfigureAwait(false);
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
                await RefuseAsync(id, GatewayErrors.AuthenticationTimeout, payload, token).ConfigureAwait(false);
                return false;
            }

            identity = outcome.Identity;
            if (identity is null)
            {
                await RefuseAsync(id, outcome.Error ?? GatewayErrors.InvalidToken, payload, token).ConfigureAwait(false);
                return false;
            }
        }

        if (identity is null)
        {
            await RefuseAsync(id, GatewayErrors.InvalidToken, payload, token).ConfigureAwait(false);
            return false;
        }

        ConnectionSettings? connection = null;
        if (connectionName is null ? (connection = Settings.SoleConnection) is null : !Settings.Connections.TryGetValue(connectionName, out connection))
        {
            _replayFirstFrame = false;
            await RefuseAsync(id, GatewayErrors.UnknownConnection, payload, token, identity).ConfigureAwait(false);
            return false;
        }

        if (!Settings.Admits(connection, identity))
        {
            _replayFirstFrame = false;
            GatewayLog.ConnectionNotAllowed(_logger, Id, identity.Subject, connection.Name);
            await RefuseAsync(id, GatewayErrors.ConnectionNotAllowed, payload, token, identity).ConfigureAwait(false);
            return false;
        }

        if (_lease is not null && !_lease.TryClaimIdentity(identity.Subject))
        {
            _replayFirstFrame = false;
            await RefuseAsync(id, ConnectionLimiter.TooManyConnections, payload, token, identity).ConfigureAwait(false);
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
            // A frame of the gateway's own after the session began: recorded (generated) before it is sent.
            var unavailable = NextSequence();
            if (_runtime.Recorder is { } answered)
            {
                await answered.AnsweredAsync(this, FrameDirection.UpstreamToClient, id, envelope.Method, envelope.ToolName, unavailable, GatewayErrors.UpstreamUnavailable).ConfigureAwait(false);
            }

            await _clientWriter.WriteAloneAsync((id, GatewayErrors.UpstreamUnavailable, CorrelationId(unavailable)), static (w, s) => w.WriteError(s.id, s.Item2, s.Item3), _end.Token).ConfigureAwait(false);
            return false;
        }

        _upstreamWriter = new FrameWriter(_upstream.Output);
        (_upstream as IReportsRequestFailures)?.OnRequestFailed(FailRequest);
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

    /// <summary>
    /// Refuses the connection before its session began, and records that (never the token, only its hash; of the
    /// first frame only its size and hash). A refusal for want of the audit store is not recorded: it could not be.
    /// </summary>
    private async Task RefuseAsync(JsonRpcId id, GatewayError error, ReadOnlySequence<byte> firstFrame = default, string? token = null, GatewayIdentity? identity = null)
    {
        _endReason = error.Reason;
        GatewayLog.SessionRefused(_logger, Id, error.Reason);
        _runtime.Metrics.SessionRefused(error.Reason);
        if (_runtime.Recorder is { } recorder && error.Code != GatewayErrorCode.AuditUnavailable)
        {
            await recorder.SessionRefusedAsync(this, error, identity, token, firstFrame).ConfigureAwait(false);
        }

        try
        {
            await _clientWriter.WriteAloneAsync((id, error, CorrelationId(0)), static (w, s) => w.WriteError(s.id, s.error, s.Item3), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ConnectionResetException or ObjectDisposedException)
        {
            // The client is already gone.
        }
    }
}
