using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Text.Json;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;

namespace McpGateway.Core.Upstreams.Http;

/// <summary>The requests the channel sends: every header value checked against its grammar before it is added.</summary>
internal sealed partial class HttpUpstreamChannel
{
    /// <summary>
    /// The error for a message whose header values cannot be sent: a per-request claim of a version outside the closed
    /// set (it would become <c>MCP-Protocol-Version</c>), or, on a stateless request, a method that is no token.
    /// </summary>
    private static GatewayError? Unsendable(in Outgoing head)
    {
        if (head.Headers.ClaimIsInvalid)
        {
            return GatewayErrors.InvalidProtocolVersion;
        }

        return head.Headers.ClaimedVersion is not null && head.Method is { } method && !OutgoingHeaders.IsMethodToken(method)
            ? GatewayErrors.InvalidMethodName
            : null;
    }

    private HttpRequestMessage BuildPost(byte[] body, Outgoing head, TaskCompletionSource sent)
    {
        var request = NewRequest(HttpMethod.Post);
        request.Headers.TryAddWithoutValidation("Accept", "application/json, text/event-stream");
        request.Content = new MessageContent(body, sent);
        if (head.Headers.ClaimedVersion is { } claimed)
        {
            // 2026-07-28: every request stands alone and says what it is (each value checked in PostAsync).
            OutgoingHeaders.Add(request, "MCP-Protocol-Version", claimed, McpProtocolVersions.IsKnown);
            if (head.Method is { } method)
            {
                OutgoingHeaders.Add(request, "Mcp-Method", method, OutgoingHeaders.IsMethodToken);
            }

            if (head.Headers.Name is { } name)
            {
                OutgoingHeaders.Add(request, "Mcp-Name", McpHeaders.EncodeValue(name), OutgoingHeaders.IsPlainFieldValue);
            }
        }
        else
        {
            AddSessionHeaders(request);
        }

        return request;
    }

    private HttpRequestMessage NewRequest(HttpMethod method)
    {
        var request = new HttpRequestMessage(method, _client.Settings.Url);
        foreach (var (name, value) in _headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }

    private void AddSessionHeaders(HttpRequestMessage request)
    {
        if (_sessionId is { } session)
        {
            OutgoingHeaders.Add(request, "Mcp-Session-Id", session, OutgoingHeaders.IsVisibleAscii);
        }

        if (_protocolVersion is { } version)
        {
            OutgoingHeaders.Add(request, "MCP-Protocol-Version", version, McpProtocolVersions.IsKnown);
        }
    }

    private HttpRequestMessage BuildGet(string? lastEventId)
    {
        var request = NewRequest(HttpMethod.Get);
        request.Headers.TryAddWithoutValidation("Accept", "text/event-stream");
        AddSessionHeaders(request);
        if (lastEventId is not null)
        {
            OutgoingHeaders.Add(request, "Last-Event-ID", lastEventId, OutgoingHeaders.IsVisibleAscii);
        }

        return request;
    }

    /// <summary>
    /// An event id the server chose, usable for resumption only when it can travel back as <c>Last-Event-ID</c>
    /// (visible ASCII); any other is ignored, so a stream that used only such ids is not resumed.
    /// </summary>
    private string? ResumableId(string? eventId)
    {
        if (string.IsNullOrEmpty(eventId))
        {
            return null;
        }

        if (!OutgoingHeaders.IsVisibleAscii(eventId))
        {
            HttpLog.EventIdIgnored(_client.Logger, Connection);
            return null;
        }

        return eventId;
    }
}
