using McpGateway.Core.Framing;

namespace McpGateway.Core.FrontDoor;

/// <summary>
/// Replaces one id of a JSON-RPC message, byte for byte around it, at the place the envelope scanner found it.
/// Stateless requests of several clients share one gateway session, so the front door numbers them itself and gives
/// each response its client's id back.
/// </summary>
internal static class JsonRpcIdSplice
{
    /// <summary>
    /// The message with the value at <paramref name="at"/> (the envelope's <see cref="FrameEnvelope.IdValue"/> or
    /// <see cref="FrameEnvelope.CancelledRequestIdValue"/>) replaced by <paramref name="replacement"/> (raw JSON).
    /// </summary>
    public static byte[] Replace(ReadOnlySpan<byte> message, FrameValue at, ReadOnlySpan<byte> replacement)
    {
        if (!at.IsPresent)
        {
            throw new ArgumentException("The message has no such value to replace.", nameof(at));
        }

        var result = new byte[message.Length - at.Length + replacement.Length];
        message[..at.Start].CopyTo(result);
        replacement.CopyTo(result.AsSpan(at.Start));
        message[(at.Start + at.Length)..].CopyTo(result.AsSpan(at.Start + replacement.Length));
        return result;
    }
}
