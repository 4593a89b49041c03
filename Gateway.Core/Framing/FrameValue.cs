using System.Buffers;
using System.Text;
using System.Text.Json;

namespace McpGateway.Core.Framing;

/// <summary>
/// Where one JSON value of a frame sits, as the envelope scanner met it: its offset and length in the frame and its
/// type. A string's bytes include its quotes; an object or an array is only its opening bracket. Reading the value
/// needs the frame it was found in; recording where it sits costs nothing.
/// </summary>
internal readonly record struct FrameValue(int Start, int Length, JsonValueKind Kind)
{
    /// <summary>False when the frame has no such member.</summary>
    public bool IsPresent => Kind != JsonValueKind.Undefined;

    /// <summary>The raw JSON of the value (escapes as written) within <paramref name="frame"/>.</summary>
    public ReadOnlySpan<byte> RawIn(ReadOnlySpan<byte> frame) => frame.Slice(Start, Length);

    /// <summary>The raw JSON of the value (escapes as written) within <paramref name="frame"/>.</summary>
    public ReadOnlySequence<byte> RawIn(in ReadOnlySequence<byte> frame) => frame.Slice(Start, Length);

    /// <summary>The unescaped text of a string value; null for any other type or when absent.</summary>
    public string? GetString(ReadOnlySpan<byte> frame)
    {
        if (Kind != JsonValueKind.String)
        {
            return null;
        }

        ReadOnlySpan<byte> raw = RawIn(frame);
        ReadOnlySpan<byte> text = raw[1..^1];
        if (!text.Contains((byte)'\\'))
        {
            return Encoding.UTF8.GetString(text);
        }

        var reader = new Utf8JsonReader(raw);
        reader.Read();
        return reader.GetString();
    }

    /// <summary>The unescaped text of a string value; null for any other type or when absent.</summary>
    public string? GetString(in ReadOnlySequence<byte> frame)
    {
        if (Kind != JsonValueKind.String)
        {
            return null;
        }

        ReadOnlySequence<byte> raw = RawIn(frame);
        if (raw.IsSingleSegment)
        {
            return GetStringOfRaw(raw.FirstSpan);
        }

        var reader = new Utf8JsonReader(raw);
        reader.Read();
        return reader.GetString();
    }

    private static string? GetStringOfRaw(ReadOnlySpan<byte> raw) =>
        new FrameValue(0, raw.Length, JsonValueKind.String).GetString(raw);
}
