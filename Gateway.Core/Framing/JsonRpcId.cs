using System.Globalization;
using System.Text.Json;

namespace McpGateway.Core.Framing;

/// <summary>
/// A JSON-RPC id as the wire contract allows it: absent, <c>null</c> (error responses only), a string,
/// or an integer in the 53-bit safe range. Integer ids do not allocate.
/// </summary>
public readonly struct JsonRpcId : IEquatable<JsonRpcId>
{
    /// <summary>The largest integer every JSON parser reads exactly (2^53 - 1).</summary>
    public const long MaxSafeInteger = 9_007_199_254_740_991;

    private readonly string? _text;
    private readonly long _number;

    private JsonRpcId(JsonRpcIdKind kind, long number, string? text)
    {
        Kind = kind;
        _number = number;
        _text = text;
    }

    public static JsonRpcId None => default;

    public static JsonRpcId Null { get; } = new(JsonRpcIdKind.Null, 0, null);

    public JsonRpcIdKind Kind { get; }

    public bool IsNone => Kind == JsonRpcIdKind.None;

    /// <summary>True for a string or integer id, the kinds a request may carry.</summary>
    public bool IsValue => Kind is JsonRpcIdKind.Number or JsonRpcIdKind.String;

    public long Number => Kind == JsonRpcIdKind.Number ? _number : throw new InvalidOperationException("The id is not a number.");

    public string Text => Kind == JsonRpcIdKind.String ? _text! : throw new InvalidOperationException("The id is not a string.");

    public static JsonRpcId FromNumber(long value)
    {
        if (value is > MaxSafeInteger or < -MaxSafeInteger)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "A JSON-RPC id must be within the 53-bit safe integer range.");
        }

        return new JsonRpcId(JsonRpcIdKind.Number, value, null);
    }

    public static JsonRpcId FromString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new JsonRpcId(JsonRpcIdKind.String, 0, value);
    }

    /// <summary>Writes the id as the value of an <c>id</c> member; <see cref="None"/> writes <c>null</c>.</summary>
    public void WriteValueTo(Utf8JsonWriter writer)
    {
        switch (Kind)
        {
            case JsonRpcIdKind.Number:
                writer.WriteNumberValue(_number);
                break;
            case JsonRpcIdKind.String:
                writer.WriteStringValue(_text);
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }

    public bool Equals(JsonRpcId other) =>
        Kind == other.Kind && _number == other._number && string.Equals(_text, other._text, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is JsonRpcId other && Equals(other);

    public override int GetHashCode() => Kind switch
    {
        JsonRpcIdKind.Number => _number.GetHashCode(),
        JsonRpcIdKind.String => StringComparer.Ordinal.GetHashCode(_text!),
        _ => (int)Kind,
    };

    public override string ToString() => Kind switch
    {
        JsonRpcIdKind.Number => _number.ToString(CultureInfo.InvariantCulture),
        JsonRpcIdKind.String => JsonSerializer.Serialize(_text),
        JsonRpcIdKind.Null => "null",
        _ => "(none)",
    };

    public static bool operator ==(JsonRpcId left, JsonRpcId right) => left.Equals(right);

    public static bool operator !=(JsonRpcId left, JsonRpcId right) => !left.Equals(right);
}
