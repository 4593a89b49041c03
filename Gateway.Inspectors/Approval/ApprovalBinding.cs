using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace McpGateway.Inspectors.Approval;

/// <summary>
/// What an approval is bound to: the SHA-256 of the tool (or method) name and the exact bytes of the call's arguments
/// (<c>params.arguments</c>; the whole <c>params</c> for other methods), so a retry with other arguments (even spelled
/// differently) needs an approval of its own; the client's <c>params._meta.progressToken</c>, if it asked for progress; and
/// the arguments' raw text, which only the instance holding the call keeps, for approvers with the right to reveal them.
/// </summary>
internal readonly record struct ApprovalBinding(string ArgumentsHash, string? ProgressToken, string? RawArguments)
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 256 };

    public static ApprovalBinding Read(in ReadOnlySequence<byte> payload, string tool, bool isToolCall)
    {
        using var document = JsonDocument.Parse(payload, Options);
        string? arguments = null;
        string? progressToken = null;
        if (document.RootElement.TryGetProperty("params", out var parameters) && parameters.ValueKind == JsonValueKind.Object)
        {
            arguments = isToolCall
                ? parameters.TryGetProperty("arguments", out var value) ? value.GetRawText() : null
                : parameters.GetRawText();
            if (parameters.TryGetProperty("_meta", out var meta) && meta.ValueKind == JsonValueKind.Object
                && meta.TryGetProperty("progressToken", out var token) && token.ValueKind is JsonValueKind.String or JsonValueKind.Number)
            {
                progressToken = token.GetRawText();
            }
        }

        return new ApprovalBinding(Hash(tool, arguments), progressToken, arguments);
    }

    public static string Hash(string tool, string? arguments)
    {
        var text = Encoding.UTF8.GetBytes(tool + "\0" + (arguments ?? ""));
        return Convert.ToHexStringLower(SHA256.HashData(text));
    }

    /// <summary>The value at <c>params.arguments</c> (or <c>params</c>) of an already masked frame, as JSON text.</summary>
    public static string? Arguments(ReadOnlySpan<byte> json, bool isToolCall)
    {
        using var document = JsonDocument.Parse(json.ToArray(), Options);
        if (!document.RootElement.TryGetProperty("params", out var parameters) || parameters.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (!isToolCall)
        {
            return parameters.GetRawText();
        }

        return parameters.TryGetProperty("arguments", out var value) ? value.GetRawText() : null;
    }
}
