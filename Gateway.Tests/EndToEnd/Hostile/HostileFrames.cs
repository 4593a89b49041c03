using System.Text;
using System.Text.Json.Nodes;
using static McpGateway.Tests.EndToEnd.Hostile.HostileWire;

namespace McpGateway.Tests.EndToEnd.Hostile;

/// <summary>
/// One frame per rule of the wire contract's parsing rule, each carrying <see cref="HostileWire.Marker"/> where the
/// rule allows it, and frames just inside the rules that must be forwarded byte-exact.
/// </summary>
internal static class HostileFrames
{
    private const int ParseError = -32700;
    private const int InvalidRequest = -32600;

    private const byte Quote = (byte)'"';

    // In the frames below %P% stands for params carrying the marker, %M% for the marker itself.
    private static readonly string _params = """{"m":"%M%"}""";

    /// <summary>Every frame the gateway must refuse, with its error.</summary>
    public static IReadOnlyList<HostileCase> Rejected { get; } =
    [
        // -32700: not JSON, not UTF-8, unpaired surrogates.
        Parse("NotJson", "this is not JSON %M%", "parse_error"),
        Parse("TruncatedObject", """{"jsonrpc":"2.0","id":1,"method":"ping","params":%P%""", "parse_error"),
        Parse("TwoValuesOnOneLine", """{"jsonrpc":"2.0","id":1,"method":"ping"}{"jsonrpc":"2.0","id":2,"method":"tools/call","params":%P%}""", "parse_error"),
        Parse("TrailingComma", """{"jsonrpc":"2.0","id":1,"method":"ping","params":%P%,}""", "parse_error"),
        Parse("Comment", """{"jsonrpc":"2.0","id":1,"method":"ping","params":%P% /* x */}""", "parse_error"),
        Case("InvalidUtf8Overlong", Bytes("""{"jsonrpc":"2.0","id":2,"method":"ping","params":{"m":"%M%","x":""", [Quote, 0xC0, 0xAF, Quote], "}}"), ParseError, "invalid_utf8", null),
        Case("InvalidUtf8LoneFF", Bytes("""{"jsonrpc":"2.0","id":2,"method":"ping","params":{"m":"%M%","x":""", [Quote, 0xFF, Quote], "}}"), ParseError, "invalid_utf8", null),
        Case("EncodedSurrogateInMemberName", Bytes("""{"jsonrpc":"2.0","id":2,"method":"ping","params":{""", [Quote, 0xED, 0xA0, 0x80, Quote], """:"%M%"}}"""), ParseError, "invalid_utf8", null),
        Case("InvalidUtf8TruncatedSequence", Bytes("""{"jsonrpc":"2.0","id":2,"method":"ping","params":{"m":"%M%","x":""", [Quote, 0xE2, 0x82, Quote], "}}"), ParseError, "invalid_utf8", null),
        Case("UnpairedHighSurrogateInValue", """{"jsonrpc":"2.0","id":3,"method":"ping","params":{"m":"%M%","x":"\uD800"}}""", ParseError, "unpaired_surrogate", 3),
        Case("UnpairedLowSurrogateInValue", """{"jsonrpc":"2.0","id":3,"method":"ping","params":{"m":"%M%","x":"a\uDC00b"}}""", ParseError, "unpaired_surrogate", 3),
        Case("HighSurrogateBeforeNonLowEscape", """{"jsonrpc":"2.0","id":3,"method":"ping","params":{"m":"%M%","x":"\uD800\u0041"}}""", ParseError, "unpaired_surrogate", 3),
        Case("UnpairedSurrogateInParamsMemberName", """{"jsonrpc":"2.0","id":4,"method":"ping","params":{"x\uD800":"%M%"}}""", ParseError, "unpaired_surrogate", 4),
        Case("UnpairedSurrogateInEnvelopeMemberName", """{"jsonrpc":"2.0","id":5,"method":"ping","\uD800":"%M%"}""", ParseError, "unpaired_surrogate", null),
        Case("UnpairedSurrogateInMethod", """{"jsonrpc":"2.0","id":6,"method":"pi\uD800ng","params":%P%}""", ParseError, "unpaired_surrogate", 6),

        // -32600: batches and non-objects.
        Invalid("Batch", """[{"jsonrpc":"2.0","id":7,"method":"ping","params":%P%}]""", "batch_not_supported", null),
        Invalid("EmptyBatch", "[]", "batch_not_supported", null),
        Invalid("StringFrame", "\"%M%\"", "not_an_object", null),
        Invalid("NumberFrame", "42", "not_an_object", null),

        // -32600: duplicate members, also after case folding, at any depth.
        Invalid("DuplicateMethod", """{"jsonrpc":"2.0","id":8,"method":"ping","method":"tools/call","params":%P%}""", "duplicate_member", 8),
        Invalid("DuplicateMethodCaseFolded", """{"jsonrpc":"2.0","id":8,"method":"ping","Method":"tools/call","params":%P%}""", "duplicate_member", 8),
        Invalid("DuplicateParamsLongSEscaped", """{"jsonrpc":"2.0","id":9,"method":"ping","params":%P%,"param\u017f":{}}""", "duplicate_member", 9),
        Invalid("DuplicateParamsLongSRaw", """{"jsonrpc":"2.0","id":9,"method":"ping","params":%P%,"paramſ":{}}""", "duplicate_member", 9),
        Invalid("DuplicateEscapedSpelling", """{"jsonrpc":"2.0","id":9,"method":"ping","params":%P%,"p\u0061rams":{}}""", "duplicate_member", 9),
        Invalid("DuplicateDeepInArguments", """{"jsonrpc":"2.0","id":10,"method":"tools/call","params":{"name":"echo","arguments":{"message":"%M%","nested":{"k":1,"K":2}}}}""", "duplicate_member", 10),
        Invalid("DuplicateDeepWithStringId", """{"jsonrpc":"2.0","id":"call-10","method":"tools/call","params":{"name":"echo","arguments":{"a":[{"x":"%M%","x":2}]}}}""", "duplicate_member", "call-10"),
        Invalid("DuplicateId", """{"jsonrpc":"2.0","id":11,"ID":12,"method":"ping","params":%P%}""", "duplicate_member", null),

        // -32600: envelope members only from the six, exactly spelled.
        Invalid("UnknownEnvelopeMember", """{"jsonrpc":"2.0","id":13,"method":"ping","params":%P%,"extra":true}""", "unknown_envelope_member", 13),
        Invalid("EnvelopeMemberCaseVariant", """{"jsonrpc":"2.0","id":13,"method":"ping","Params":%P%}""", "unknown_envelope_member", 13),
        Invalid("JsonRpc10", """{"jsonrpc":"1.0","id":14,"method":"ping","params":%P%}""", "bad_jsonrpc_version", 14),
        Invalid("JsonRpcMissing", """{"id":14,"method":"ping","params":%P%}""", "bad_jsonrpc_version", 14),

        // -32600: id a string or a safe integer.
        BadId("IdFraction", "1.5"),
        BadId("IdIntegralFraction", "1.0"),
        BadId("IdExponent", "1e3"),
        BadId("IdAboveSafeRange", "9007199254740992"),
        BadId("IdBelowSafeRange", "-9007199254740992"),
        BadId("IdTrue", "true"),
        BadId("IdObject", """{"x":"%M%"}"""),
        BadId("IdArray", "[1]"),
        BadId("IdNullOnRequest", "null"),

        // -32600: NUL in member names.
        Invalid("NulInParamsMemberName", """{"jsonrpc":"2.0","id":15,"method":"ping","params":{"a\u0000b":"%M%"}}""", "nul_in_member_name", 15),
        Invalid("NulInEnvelopeMemberName", """{"jsonrpc":"2.0","id":15,"method":"ping","id\u0000":16,"params":%P%}""", "nul_in_member_name", null),

        // -32600: nesting depth (default 64: the root object is level 1, so the 65th nested container is refused).
        Invalid("NestedObjects65", Nested(65, arrays: false), "nesting_too_deep", null),
        Invalid("NestedArrays65", Nested(65, arrays: true), "nesting_too_deep", null),
        Invalid("DepthBomb100000", """{"jsonrpc":"2.0","id":17,"method":"ping","params":{"m":"%M%","x":""" + new string('[', 100_000) + "}}", "nesting_too_deep", null),
    ];

    /// <summary>Frames just inside the rules: forwarded byte-exact and echoed. The id is the spy's echo key.</summary>
    public static IReadOnlyList<(string Name, byte[] Frame, JsonNode Id)> Accepted { get; } =
    [
        ("NestedObjects64", Utf8(Nested(64, arrays: false)), 17),
        ("NestedArrays64", Utf8(Nested(64, arrays: true)), 17),
        ("IdMaxSafeInteger", Utf8("""{"jsonrpc":"2.0","id":9007199254740991,"method":"ping"}"""), 9007199254740991),
        ("IdMinSafeInteger", Utf8("""{"jsonrpc":"2.0","id":-9007199254740991,"method":"ping"}"""), -9007199254740991),
        ("PairedSurrogateEscape", Utf8("""{"jsonrpc":"2.0","id":"s-1","method":"ping","params":{"x\uD83D\uDE00":"\uD83D\uDE00"}}"""), "s-1"),
        ("NulInStringValue", Utf8("""{"jsonrpc":"2.0","id":"s-2","method":"ping","params":{"x":"a\u0000b"}}"""), "s-2"),
        ("EscapedMethodName", Utf8("""{"jsonrpc":"2.0","id":"s-3","method":"p\u0069ng"}"""), "s-3"),
    ];

    /// <summary>A ping whose params nest so that the deepest container is at <paramref name="levels"/>, the root being 1.</summary>
    public static string Nested(int levels, bool arrays)
    {
        var inside = levels - 1; // params is level 2
        var builder = new StringBuilder("""{"jsonrpc":"2.0","id":17,"method":"ping","params":""");
        if (arrays)
        {
            builder.Append('[', inside).Append(']', inside);
        }
        else
        {
            for (var i = 1; i < inside; i++)
            {
                builder.Append("""{"a":""");
            }

            builder.Append("{}").Append('}', inside - 1);
        }

        return builder.Append('}').ToString();
    }

    private static HostileCase Parse(string name, string frame, string reason) => Case(name, frame, ParseError, reason, null);

    private static HostileCase Invalid(string name, string frame, string reason, JsonNode? id) => Case(name, frame, InvalidRequest, reason, id);

    private static HostileCase BadId(string name, string rawId) =>
        Invalid(name, """{"jsonrpc":"2.0","id":%I%,"method":"ping","params":%P%}""".Replace("%I%", rawId, StringComparison.Ordinal), "bad_id", null);

    private static HostileCase Case(string name, string frame, int code, string reason, JsonNode? id) => Case(name, Utf8(Fill(frame)), code, reason, id);

    private static HostileCase Case(string name, byte[] frame, int code, string reason, JsonNode? id) => new(name, frame, code, reason, id);

    private static byte[] Bytes(string before, byte[] raw, string after) => [.. Utf8(Fill(before)), .. raw, .. Utf8(Fill(after))];

    private static string Fill(string frame) => frame.Replace("%P%", _params, StringComparison.Ordinal).Replace("%M%", Marker, StringComparison.Ordinal);
}
