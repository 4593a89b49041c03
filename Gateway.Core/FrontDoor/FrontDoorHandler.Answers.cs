using System.Buffers;
using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using System.Text.Json;
using McpGateway.Core.Configuration;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace McpGateway.Core.FrontDoor;

/// <summary>Answering without a session: refusals with their challenge, CORS preflight, and the SSE framing of answers.</summary>
internal sealed partial class FrontDoorHandler
{
    private static Task PreflightAsync(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.Allow = "GET, POST, DELETE, OPTIONS";
        headers.AccessControlAllowMethods = "GET, POST, DELETE";
        headers.AccessControlAllowHeaders = "Authorization, Content-Type, Accept, Mcp-Session-Id, MCP-Protocol-Version, Mcp-Method, Mcp-Name, Last-Event-ID";
        headers.AccessControlMaxAge = "600";
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    }

    private static void StartEventStream(HttpContext context)
    {
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
    }

    private static async Task WriteEventAsync(HttpResponse response, byte[] message, CancellationToken cancellationToken)
    {
        var writer = response.BodyWriter;
        writer.Write(_eventPrefix);
        writer.Write(message);
        writer.Write(_eventSuffix);
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private Task MethodNotAllowedAsync(HttpContext context, string path, string allow)
    {
        context.Response.Headers.Allow = allow;
        return RefuseAsync(context, FrontDoorRefusal.Create(StatusCodes.Status405MethodNotAllowed, (int)GatewayErrorCode.InvalidRequest, "method_not_allowed", "Method not allowed"), path);
    }

    private async Task RefuseAsync(HttpContext context, FrontDoorRefusal refusal, string path)
    {
        FrontDoorLog.Refused(_logger, context.Request.Method, path, refusal.Status, refusal.Reason);
        var response = context.Response;
        if (response.HasStarted)
        {
            return;
        }

        response.StatusCode = refusal.Status;
        if (refusal.Challenge && _settings.AuthMode == AuthMode.Oidc)
        {
            response.Headers.WWWAuthenticate = Challenge(context, path, refusal);
        }

        response.ContentType = "application/json";
        response.ContentLength = refusal.Body.Length;
        await response.Body.WriteAsync(refusal.Body, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>RFC 6750 / RFC 9728: <c>Bearer resource_metadata="…"</c>, the scopes, and the error when a token was refused.</summary>
    private string Challenge(HttpContext context, string path, FrontDoorRefusal refusal)
    {
        var challenge = new StringBuilder("Bearer resource_metadata=\"");
        challenge.Append(PublicBase(context)).Append(MetadataPath).Append(path.TrimEnd('/')).Append('"');
        if (_frontDoor.Scopes.Count > 0)
        {
            challenge.Append(", scope=\"").AppendJoin(' ', _frontDoor.Scopes).Append('"');
        }

        if (refusal.ChallengeError is { } error)
        {
            // A reason is the gateway's own snake_case word; anything else is not quoted into a header.
            var description = refusal.Reason.AsSpan().ContainsAnyExcept(_reasonChars) ? "invalid_token" : refusal.Reason;
            challenge.Append(", error=\"").Append(error).Append("\", error_description=\"").Append(description).Append('"');
        }

        return challenge.ToString();
    }
}
