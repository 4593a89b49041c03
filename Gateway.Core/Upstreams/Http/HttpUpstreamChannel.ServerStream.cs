using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Text.Json;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;

namespace McpGateway.Core.Upstreams.Http;

/// <summary>The GET stream for server-initiated messages, and resuming a broken response stream with Last-Event-ID.</summary>
internal sealed partial class HttpUpstreamChannel
{
    private async Task<HttpResponseMessage> ResumeAsync(string lastEventId, Outgoing head, CancellationToken cancellationToken)
    {
        var response = await _client.ReopenStream.ExecuteAsync(
            async (state, token) =>
            {
                var (channel, eventId) = state;
                var opened = await channel._client.SendOnceAsync(() => channel.BuildGet(eventId), token).ConfigureAwait(false);
                if (opened.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway)
                {
                    opened.Dispose();
                    throw new HttpRequestException($"HTTP {(int)opened.StatusCode}", null, opened.StatusCode);
                }

                return opened;
            },
            (this, lastEventId),
            cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode || !IsEventStream(response))
        {
            var status = response.StatusCode;
            response.Dispose();
            throw new HttpRequestException($"resuming {head.Method} after event {lastEventId} was refused with HTTP {(int)status}", null, status);
        }

        return response;
    }

    private void OpenGetStream()
    {
        if (_getStream is null && Volatile.Read(ref _disposed) == 0)
        {
            _getStream = Task.Run(RunGetStreamAsync);
        }
    }

    /// <summary>Server-initiated messages (2025 era): the GET stream, reopened with <c>Last-Event-ID</c> when it ends.</summary>
    private async Task RunGetStreamAsync()
    {
        var token = _closing.Token;
        string? lastEventId = null;
        var reconnectDelay = DefaultReconnectDelay;
        var stream = new Outgoing(MessageKind.Notification, JsonRpcId.None, null, default);
        var scanner = new EnvelopeScanner(_client.Limits);
        while (!token.IsCancellationRequested)
        {
            try
            {
                using var response = await _client.ReopenStream.ExecuteAsync(
                    static (state, ct) => state.Item1._client.SendOnceAsync(() => state.Item1.BuildGet(state.lastEventId), ct),
                    (this, lastEventId),
                    token).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.NotFound && _sessionId is not null)
                {
                    HttpLog.SessionExpired(_client.Logger, Connection);
                    await EndAsync().ConfigureAwait(false);
                    return;
                }

                if (!response.IsSuccessStatusCode || !IsEventStream(response))
                {
                    HttpLog.NoGetStream(_client.Logger, Connection, response.StatusCode);
                    return;
                }

                await using var events = new SseEventReader(await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false), _client.Limits.MaxFrameBytes);
                while (true)
                {
                    var status = await events.ReadAsync(token).ConfigureAwait(false);
                    lastEventId = ResumableId(events.LastEventId) ?? lastEventId;
                    reconnectDelay = events.ReconnectionInterval is { } interval && interval > TimeSpan.Zero ? interval : reconnectDelay;
                    if (status == SseReadStatus.TooLarge)
                    {
                        await EndOversizedAsync(stream, "event on the GET stream").ConfigureAwait(false);
                        return;
                    }

                    if (status == SseReadStatus.End)
                    {
                        break;
                    }

                    await RelayEventAsync(events.EventType, events.Data, stream, scanner).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                HttpLog.GetStreamLost(_client.Logger, Connection, ex);
                return;
            }

            try
            {
                await Task.Delay(Clamp(reconnectDelay), _client.TimeProvider, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
