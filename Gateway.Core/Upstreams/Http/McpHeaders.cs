using System.Text;
using McpGateway.Core.Framing;

namespace McpGateway.Core.Upstreams.Http;

/// <summary>
/// What the Streamable HTTP headers of one outgoing message need beyond its envelope: the 2026-07-28 per-request
/// claim (<c>params._meta["io.modelcontextprotocol/protocolVersion"]</c>, which makes the message stateless) and the
/// value <c>Mcp-Name</c> mirrors (<c>params.name</c>, <c>params.uri</c> or <c>params.taskId</c>, by method; see
/// <see cref="FrameEnvelope.Target"/>).
/// A claim is client input on its way into a header: it is usable only when it names a version of the closed set.
/// </summary>
internal readonly record struct McpHeaders(string? ClaimedVersion, string? Name, bool HasClaim = false)
{
    private const string Base64Prefix = "=?base64?";
    private const string Base64Suffix = "?=";

    /// <summary>The claim and the name, where the envelope scanner found them in <paramref name="frame"/>.</summary>
    public static McpHeaders Of(in FrameEnvelope envelope, ReadOnlySpan<byte> frame) =>
        new(envelope.ProtocolVersionClaim.GetString(frame), envelope.Target.GetString(frame), envelope.ProtocolVersionClaim.IsPresent);

    /// <summary>True when the message claims a version (of any JSON type) that is not one the gateway relays.</summary>
    public bool ClaimIsInvalid => HasClaim && !McpProtocolVersions.IsKnown(ClaimedVersion);

    /// <summary>
    /// An HTTP field value for <paramref name="value"/> (SEP-2243): plain when it is visible ASCII without surrounding
    /// whitespace, otherwise <c>=?base64?…?=</c> over its UTF-8 bytes.
    /// </summary>
    public static string EncodeValue(string value)
    {
        var plain = value.Length > 0
            && value[0] is not (' ' or '\t') && value[^1] is not (' ' or '\t')
            && !(value.StartsWith(Base64Prefix, StringComparison.Ordinal) && value.EndsWith(Base64Suffix, StringComparison.Ordinal));
        foreach (var c in value)
        {
            if (!plain)
            {
                break;
            }

            plain = c == '\t' || c is >= ' ' and <= '~';
        }

        return plain ? value : Base64Prefix + Convert.ToBase64String(Encoding.UTF8.GetBytes(value)) + Base64Suffix;
    }
}
