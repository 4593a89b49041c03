using System.Buffers;

namespace McpGateway.Core.Upstreams.Http;

/// <summary>
/// The only way a value reaches a header of a request to an upstream. A value from a client, or one the upstream
/// itself chose, must pass a strict grammar first; CR, LF and NUL never pass, so a value can never end the header
/// section and start a request of its own. The configured headers were checked when the session opened.
/// </summary>
internal static class OutgoingHeaders
{
    // RFC 9110 tchar, plus "/" (MCP method names such as tools/call).
    private static readonly SearchValues<char> _methodChars = SearchValues.Create("!#$%&'*+-.^_`|~/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    /// <summary>Visible ASCII (0x21-0x7E), at least one character: session ids, event ids.</summary>
    public static bool IsVisibleAscii(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c is < '!' or > '~')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>An RFC 9110 token that may contain <c>/</c>: the grammar of MCP method names.</summary>
    public static bool IsMethodToken(string? value) =>
        !string.IsNullOrEmpty(value) && !value.AsSpan().ContainsAnyExcept(_methodChars);

    /// <summary>Printable ASCII with inner spaces or tabs, none around it (what <see cref="McpHeaders.EncodeValue"/> produces).</summary>
    public static bool IsPlainFieldValue(string? value)
    {
        if (string.IsNullOrEmpty(value) || value[0] is ' ' or '\t' || value[^1] is ' ' or '\t')
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c != '\t' && c is < ' ' or > '~')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when <paramref name="value"/> holds no CR, LF or NUL: the least any header value must satisfy.</summary>
    public static bool IsSafe(string value) => !value.AsSpan().ContainsAny('\r', '\n', '\0');

    /// <summary>
    /// Adds a header whose value was checked against its grammar by the caller; checked again here, and added through
    /// the validating <see cref="System.Net.Http.Headers.HttpHeaders.Add(string, string)"/>.
    /// </summary>
    public static void Add(HttpRequestMessage request, string name, string value, Func<string, bool> grammar)
    {
        if (!IsSafe(value) || !grammar(value))
        {
            throw new InvalidOperationException($"a value for header '{name}' does not match its grammar; nothing was sent");
        }

        request.Headers.Add(name, value);
    }
}
