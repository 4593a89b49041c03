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

/// <summary>Reading a request: the bearer token, the body within the frame limit, media types, and the MCP headers that must mirror the body.</summary>
internal sealed partial class FrontDoorHandler
{
    /// <summary>The bearer token, or null with the refusal: 401 with a challenge when there is none or it is not a bearer token.</summary>
    private string? BearerToken(HttpContext context, out FrontDoorRefusal? refusal)
    {
        refusal = null;
        var authorization = context.Request.Headers.Authorization;
        if (authorization.Count == 0)
        {
            if (_settings.AuthMode == AuthMode.None)
            {
                return DevelopmentToken;
            }

            refusal = FrontDoorRefusal.MissingToken;
            return null;
        }

        var value = authorization.Count == 1 ? authorization[0] ?? "" : "";
        var token = value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? value[7..].Trim() : "";
        if (token.Length == 0)
        {
            refusal = FrontDoorRefusal.Create(StatusCodes.Status401Unauthorized, (int)GatewayErrorCode.Unauthenticated, "malformed_authorization", "Unauthenticated: the Authorization header must be one bearer token", challenge: true, challengeError: "invalid_request");
            return null;
        }

        return token;
    }

    private async Task<byte[]?> ReadBodyAsync(HttpContext context)
    {
        var max = _settings.ClientLimits.MaxFrameBytes;
        if (context.Request.ContentLength > max)
        {
            return null;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = max + 1L;
        }

        var reader = context.Request.BodyReader;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(context.RequestAborted).ConfigureAwait(false);
                if (result.Buffer.Length > max)
                {
                    reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                    return null;
                }

                if (result.IsCompleted)
                {
                    var body = result.Buffer.ToArray();
                    reader.AdvanceTo(result.Buffer.End);
                    return body;
                }

                reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            }
        }
        catch (BadHttpRequestException)
        {
            return null;
        }
    }

    /// <summary>The 2026-07-28 routing headers must mirror the body: a present one always, and with that version they must be present.</summary>
    private static string? MirrorMismatch(IHeaderDictionary headers, in FrameEnvelope envelope, in RequestFacts facts, bool required)
    {
        var method = headers[MethodHeader];
        if (method.Count > 0 ? method.Count > 1 || !string.Equals(method[0], envelope.Method, StringComparison.Ordinal) : required)
        {
            return "Header mismatch: Mcp-Method must name the body's method";
        }

        if (envelope.Kind != MessageKind.Request || envelope.Method is not (McpMethods.ToolsCall or McpMethods.ResourcesRead or McpMethods.PromptsGet))
        {
            return null;
        }

        var name = headers[NameHeader];
        return (name.Count > 0 ? name.Count > 1 || !string.Equals(name[0], facts.Name, StringComparison.Ordinal) : required && facts.Name is not null)
            ? "Header mismatch: Mcp-Name must name the body's tool, resource or prompt"
            : null;
    }

    private static bool IsJsonContent(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return false;
        }

        var semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        var mediaType = (semicolon < 0 ? contentType : contentType[..semicolon]).Trim();
        return string.Equals(mediaType, "application/json", StringComparison.OrdinalIgnoreCase);
    }

    private static (bool Json, bool Stream) Accepts(StringValues accept)
    {
        bool json = false, stream = false;
        foreach (var header in accept)
        {
            foreach (var part in (header ?? "").Split(','))
            {
                var semicolon = part.IndexOf(';', StringComparison.Ordinal);
                var mediaType = (semicolon < 0 ? part : part[..semicolon]).Trim().ToLowerInvariant();
                json |= mediaType is "application/json" or "application/*" or "*/*";
                stream |= mediaType is "text/event-stream" or "text/*" or "*/*";
            }
        }

        return (json, stream);
    }
}
