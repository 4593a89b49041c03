using System.Buffers;
using System.Text.Json;
using McpGateway.Core.Framing;

namespace McpGateway.Core.Identity;

/// <summary>The params of <c>mcpgateway/authenticate</c>: <c>{ "token": "...", "connection": "..." }</c>.</summary>
internal sealed record AuthenticateParams(string Token, string? Connection)
{
    /// <summary>Reads the params of an already scanned frame; null when token is missing or not a string.</summary>
    public static AuthenticateParams? TryRead(in ReadOnlySequence<byte> frame, in FrameEnvelope envelope) =>
        TryReadFields(frame, envelope, out var token, out var connection) && token is not null ? new AuthenticateParams(token, connection) : null;

    /// <summary>
    /// Reads <c>token</c> and <c>connection</c> of an already scanned frame where its envelope found them, either of
    /// which may be absent (an empty token counts as absent); false when params is not an object or either member is
    /// not a string.
    /// </summary>
    public static bool TryReadFields(in ReadOnlySequence<byte> frame, in FrameEnvelope envelope, out string? token, out string? connection)
    {
        token = null;
        connection = null;
        if (envelope.Params.Kind != JsonValueKind.Object
            || envelope.AuthenticateToken.Kind is not (JsonValueKind.Undefined or JsonValueKind.String)
            || envelope.AuthenticateConnection.Kind is not (JsonValueKind.Undefined or JsonValueKind.String))
        {
            return false;
        }

        token = envelope.AuthenticateToken.GetString(frame);
        connection = envelope.AuthenticateConnection.GetString(frame);
        if (string.IsNullOrEmpty(token))
        {
            token = null;
        }

        return true;
    }
}
