namespace McpGateway.Core.Upstreams.Http;

/// <summary>
/// Makes one JSON message (an HTTP body or an SSE event's data) one frame of the gateway's line framing. A line break
/// outside a string is insignificant whitespace and becomes a space; inside a string it is invalid JSON, and the
/// message is refused rather than repaired.
/// </summary>
internal static class JsonLine
{
    /// <summary>The message as one line (without its terminator), or null when a raw line break sits inside a string.</summary>
    public static byte[]? Normalize(byte[] message)
    {
        var inString = false;
        var escaped = false;
        byte[]? copy = null;
        for (var i = 0; i < message.Length; i++)
        {
            var b = message[i];
            if (inString)
            {
                if (escaped)
                {
                    escaped = false;
                }
                else if (b == (byte)'\\')
                {
                    escaped = true;
                }
                else if (b == (byte)'"')
                {
                    inString = false;
                }
                else if (b is (byte)'\n' or (byte)'\r')
                {
                    return null;
                }
            }
            else if (b == (byte)'"')
            {
                inString = true;
            }
            else if (b is (byte)'\n' or (byte)'\r')
            {
                copy ??= (byte[])message.Clone();
                copy[i] = (byte)' ';
            }
        }

        return copy ?? message;
    }

    /// <summary>True when the message has nothing but whitespace (an SSE priming event).</summary>
    public static bool IsBlank(ReadOnlySpan<byte> message) => message.Trim(" \t\r\n"u8).IsEmpty;
}
