using System.Text;
using System.Text.Json;
using McpGateway.Core.Framing;

namespace McpGateway.Core.FrontDoor;

/// <summary>
/// What the front door needs from a request's params besides the envelope: its progress token (to relate progress
/// notifications to the POST that asked) and the name or URI the <c>Mcp-Name</c> header must mirror. Both are read
/// where the envelope scanner found them; the message is not parsed again.
/// </summary>
internal readonly record struct RequestFacts(string? ProgressToken, string? Name)
{
    /// <summary>The progress token (keyed by <see cref="ProgressKey"/>) and the target of a scanned request.</summary>
    public static RequestFacts Of(in FrameEnvelope envelope, ReadOnlySpan<byte> message) =>
        new(ProgressKey(envelope.ProgressToken, message), envelope.Target.GetString(message));

    /// <summary>
    /// A progress token as a key that tells a string from a number (<c>s:</c> or <c>n:</c>), so that a request's
    /// <c>params._meta.progressToken</c> and a notification's <c>params.progressToken</c> compare; null when absent or of another type.
    /// </summary>
    public static string? ProgressKey(FrameValue token, ReadOnlySpan<byte> message) => token.Kind switch
    {
        JsonValueKind.String => "s:" + token.GetString(message),
        JsonValueKind.Number => "n:" + Encoding.UTF8.GetString(token.RawIn(message)),
        _ => null,
    };
}
