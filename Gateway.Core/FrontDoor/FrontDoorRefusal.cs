using System.Buffers;
using System.Text.Json;
using McpGateway.Core.Errors;
using Microsoft.AspNetCore.Http;

namespace McpGateway.Core.FrontDoor;

/// <summary>
/// An HTTP answer the front door gives instead of relaying: its status, a JSON-RPC error body (never echoing the
/// input), and whether it carries a bearer challenge (<c>WWW-Authenticate</c>) that points at the resource metadata.
/// </summary>
internal sealed record FrontDoorRefusal(int Status, string Reason, byte[] Body, string? ChallengeError = null, bool Challenge = false)
{
    public static readonly FrontDoorRefusal MissingToken = Create(StatusCodes.Status401Unauthorized, (int)GatewayErrorCode.Unauthenticated, "missing_token", "Unauthenticated: send an OAuth bearer token (Authorization: Bearer ...)", challenge: true);

    /// <summary>No such session, an ended one, or one of another subject: the answers are alike, so none tells which.</summary>
    public static readonly FrontDoorRefusal SessionNotFound = Create(StatusCodes.Status404NotFound, (int)GatewayErrorCode.InvalidRequest, "session_not_found", "Not found: no such session; start a new one with initialize");

    public static readonly FrontDoorRefusal TokenExpired = Create(StatusCodes.Status401Unauthorized, (int)GatewayErrorCode.TokenExpired, "token_expired", "Token expired: get a new access token", challenge: true, challengeError: "invalid_token");

    public static FrontDoorRefusal Create(int status, GatewayError error) => Create(status, (int)error.Code, error.Reason, error.Message);

    public static FrontDoorRefusal Create(int status, int code, string reason, string message, bool challenge = false, string? challengeError = null)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("jsonrpc", "2.0");
            json.WriteNull("id");
            json.WriteStartObject("error");
            json.WriteNumber("code", code);
            json.WriteString("message", message);
            json.WriteStartObject("data");
            json.WriteString("reason", reason);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return new FrontDoorRefusal(status, reason, buffer.WrittenSpan.ToArray(), challengeError, challenge);
    }

    /// <summary>
    /// The HTTP form of a refused session start (the handshake's error): authentication failures are 401 with a
    /// challenge, a refused identity 403, and so on.
    /// </summary>
    public static FrontDoorRefusal FromStartError(GatewayError error)
    {
        var (status, challenge) = StatusOf((int)error.Code, error.Reason);
        return Create(status, (int)error.Code, error.Reason, error.Message, challenge, challenge ? "invalid_token" : null);
    }

    private static (int Status, bool Challenge) StatusOf(int code, string reason) => (code, reason) switch
    {
        (_, "unknown_connection") => (StatusCodes.Status404NotFound, false),
        (_, "idp_unavailable") => (StatusCodes.Status503ServiceUnavailable, false),
        ((int)GatewayErrorCode.Unauthenticated or (int)GatewayErrorCode.TokenExpired, _) => (StatusCodes.Status401Unauthorized, true),
        ((int)GatewayErrorCode.Forbidden, _) => (StatusCodes.Status403Forbidden, false),
        ((int)GatewayErrorCode.Overloaded, _) => (StatusCodes.Status429TooManyRequests, false),
        ((int)GatewayErrorCode.AuditUnavailable, _) => (StatusCodes.Status503ServiceUnavailable, false),
        ((int)GatewayErrorCode.UpstreamUnavailable, _) => (StatusCodes.Status502BadGateway, false),
        ((int)GatewayErrorCode.UpstreamTimedOut, _) => (StatusCodes.Status504GatewayTimeout, false),
        _ => (StatusCodes.Status400BadRequest, false),
    };

    /// <summary>
    /// The HTTP form of an error the gateway session answered <c>mcpgateway/authenticate</c> with (its <c>error</c>
    /// member, raw JSON): authentication failures are 401 with a challenge, a refused identity 403, and so on.
    /// </summary>
    public static FrontDoorRefusal FromAuthenticateError(JsonElement error)
    {
        var code = error.TryGetProperty("code", out var c) && c.TryGetInt32(out var n) ? n : (int)GatewayErrorCode.Unauthenticated;
        var reason = error.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object
            && data.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()! : "unauthenticated";
        var (status, challenge) = StatusOf(code, reason);

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("jsonrpc", "2.0");
            json.WriteNull("id");
            json.WritePropertyName("error");
            error.WriteTo(json);
            json.WriteEndObject();
        }

        return new FrontDoorRefusal(status, reason, buffer.WrittenSpan.ToArray(), challenge ? "invalid_token" : null, challenge);
    }
}
