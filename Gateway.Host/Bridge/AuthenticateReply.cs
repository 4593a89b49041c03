using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace McpGateway.Host.Bridge;

/// <summary>The gateway's answer to <c>mcpgateway/authenticate</c>: the result's subject and expiry, or the error.</summary>
internal sealed record AuthenticateReply(string? Id, bool Success, string? Subject, DateTimeOffset? ExpiresAt, long ErrorCode, string? ErrorMessage, string? ErrorReason)
{
    /// <summary>Parses one frame; null when it is not a JSON-RPC response.</summary>
    public static AuthenticateReply? Parse(in ReadOnlySequence<byte> line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || root.TryGetProperty("method", out _))
            {
                return null;
            }

            var id = root.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String ? idElement.GetString() : null;
            if (root.TryGetProperty("result", out var result) && result.ValueKind == JsonValueKind.Object)
            {
                var subject = result.TryGetProperty("subject", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
                DateTimeOffset? expiresAt = result.TryGetProperty("expiresAt", out var e) && e.ValueKind == JsonValueKind.String && e.TryGetDateTimeOffset(out var at) ? at : null;
                return new AuthenticateReply(id, true, subject, expiresAt, 0, null, null);
            }

            if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                var code = error.TryGetProperty("code", out var c) && c.TryGetInt64(out var number) ? number : 0;
                var message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                var reason = error.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object
                    && data.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
                return new AuthenticateReply(id, false, null, null, code, message, reason);
            }

            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The error for stderr, e.g. <c>-31001 invalid_token (Unauthenticated: the token was not accepted)</c>.</summary>
    public string DescribeError() =>
        string.Create(CultureInfo.InvariantCulture, $"{ErrorCode} {ErrorReason ?? "no reason"} ({ErrorMessage ?? "no message"})");
}
