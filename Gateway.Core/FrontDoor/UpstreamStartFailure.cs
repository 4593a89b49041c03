using System.Text.Json;
using McpGateway.Core.Errors;

namespace McpGateway.Core.FrontDoor;

/// <summary>
/// An <c>initialize</c> answered with <c>-31007</c>: the connection's server did not start, or exited before it could
/// answer ("Cannot find module", a missing setting). Over HTTP that is <c>502</c>, as the wire contract says, and the
/// session that was opened for it is closed rather than handed to the client.
/// </summary>
internal static class UpstreamStartFailure
{
    public static bool Matches(ReadOnlySpan<byte> response)
    {
        try
        {
            var reader = new Utf8JsonReader(response);
            using var document = JsonDocument.ParseValue(ref reader);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("error", out var error)
                && error.ValueKind == JsonValueKind.Object
                && error.TryGetProperty("code", out var code)
                && code.TryGetInt32(out var value)
                && value == (int)GatewayErrorCode.UpstreamUnavailable;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
