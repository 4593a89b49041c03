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

/// <summary>An answer that comes as an event stream: each event scanned once and relayed, until the call's response.</summary>
internal sealed partial class HttpUpstreamChannel
{
    /// <summary>
    /// Relays every event of the response stream as it arrives. A stream that ends before the response to its request
    /// is resumed with <c>Last-Event-ID</c> when the server numbered its events; otherwise the call fails.
    /// </summary>
    private async Task RelayEventsAsync(HttpResponseMessage response, Outgoing head, CancellationToken cancellationToken)
    {
        var scanner = RentScanner();
        try
        {
            await RelayUntilAnsweredAsync(response, head, scanner, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _scanners.Add(scanner);
        }
    }

    /// <summary>A scanner for one exchange at a time (they keep scratch state and are not thread-safe).</summary>
    private EnvelopeScanner RentScanner() => _scanners.TryTake(out var scanner) ? scanner : new EnvelopeScanner(_client.Limits);

    private async Task RelayUntilAnsweredAsync(HttpResponseMessage response, Outgoing head, EnvelopeScanner scanner, CancellationToken cancellationToken)
    {
        string? lastEventId = null;
        var reconnectDelay = DefaultReconnectDelay;
        var sawInvalid = false;
        var current = response;
        for (var resumption = 0; ; resumption++)
        {
            Exception? broken = null;
            var progressed = false;
            try
            {
                var stream = await current.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                await using var events = new SseEventReader(stream, _client.Limits.MaxFrameBytes);
                while (true)
                {
                    var status = await events.ReadAsync(cancellationToken).ConfigureAwait(false);
                    lastEventId = ResumableId(events.LastEventId) ?? lastEventId;
                    reconnectDelay = events.ReconnectionInterval is { } interval && interval > TimeSpan.Zero ? interval : reconnectDelay;
                    if (status == SseReadStatus.TooLarge)
                    {
                        await EndOversizedAsync(head, "event").ConfigureAwait(false);
                        return;
                    }

                    if (status == SseReadStatus.End)
                    {
                        break;
                    }

                    progressed = true;
                    switch (await RelayEventAsync(events.EventType, events.Data, head, scanner).ConfigureAwait(false))
                    {
                        case EventOutcome.Answered:
                            return;
                        case EventOutcome.Invalid:
                            sawInvalid = true;
                            break;
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
            {
                broken = ex;
            }
            finally
            {
                if (!ReferenceEquals(current, response))
                {
                    current.Dispose();
                }
            }

            if (head.Kind != MessageKind.Request)
            {
                return;
            }

            // A server that closes its streams on purpose (polling) makes progress each time; only fruitless attempts count.
            resumption = progressed ? 0 : resumption;
            if (lastEventId is null || resumption >= MaxResumptions)
            {
                var error = sawInvalid ? GatewayErrors.UpstreamProtocolViolation : GatewayErrors.UpstreamExited;
                HttpLog.ExchangeFailed(_client.Logger, Connection, head.Method!, error.Reason, broken ?? new EndOfStreamException("the event stream ended before the response"));
                Fail(head, error);
                return;
            }

            HttpLog.Resuming(_client.Logger, Connection, head.Method!, lastEventId);
            await Task.Delay(Clamp(reconnectDelay), _client.TimeProvider, cancellationToken).ConfigureAwait(false);
            current = await ResumeAsync(lastEventId, head, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask<EventOutcome> RelayEventAsync(string eventType, byte[] data, Outgoing head, EnvelopeScanner scanner)
    {
        if (!string.Equals(eventType, "message", StringComparison.Ordinal))
        {
            return EventOutcome.Relayed;
        }

        if (JsonLine.IsBlank(data))
        {
            // A priming event: it carries an event id for resumption, no message.
            return EventOutcome.Relayed;
        }

        var line = JsonLine.Normalize(data);
        if (line is null)
        {
            HttpLog.MessageDropped(_client.Logger, Connection, head.Method ?? "the GET stream", "a line break inside a JSON string");
            return EventOutcome.Invalid;
        }

        return await RelayMessageAsync(line, head, scanner).ConfigureAwait(false) ? EventOutcome.Answered : EventOutcome.Relayed;
    }

    /// <summary>Scans one message of the upstream, once, and hands it to the session with its envelope; true when it is the response to <paramref name="head"/>'s request.</summary>
    private async ValueTask<bool> RelayMessageAsync(byte[] line, Outgoing head, EnvelopeScanner scanner)
    {
        var invalid = scanner.Scan(new ReadOnlySequence<byte>(line), out var envelope);
        var answered = invalid is null && Answers(line, envelope, head);

        // Bound to its request by the exchange: should the core have given up on that request and its id been taken by a
        // new one since, this answer (or broken answer) is not the new request's.
        var answers = head.Kind == MessageKind.Request && envelope.Id == head.Id ? head.Generation : 0;
        await DeliverAsync(line, envelope, invalid, answers).ConfigureAwait(false);
        return answered;
    }

    /// <summary>True when <paramref name="line"/> is the response to <paramref name="head"/>'s request; an initialize result also tells the negotiated version.</summary>
    private bool Answers(byte[] line, in FrameEnvelope envelope, Outgoing head)
    {
        if (head.Kind != MessageKind.Request
            || envelope.Kind is not (MessageKind.Response or MessageKind.ErrorResponse)
            || envelope.Id != head.Id)
        {
            return false;
        }

        if (head.Method == McpMethods.Initialize && head.Headers.ClaimedVersion is null && envelope.Kind == MessageKind.Response)
        {
            // Sent back as MCP-Protocol-Version: only a version of the closed set (the client judges any other).
            var negotiated = envelope.ProtocolVersion.GetString(line);
            _protocolVersion = McpProtocolVersions.IsKnown(negotiated) ? negotiated : _protocolVersion;
        }

        return true;
    }

    private static bool IsEventStream(HttpResponseMessage response) =>
        string.Equals(response.Content.Headers.ContentType?.MediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase);

    private static TimeSpan Clamp(TimeSpan delay) => delay > MaxReconnectDelay ? MaxReconnectDelay : delay;
}
