using System.Collections.Frozen;
using System.Text;

namespace McpGateway.Core.Framing;

/// <summary>
/// The member names MCP gives the direct members of <c>params</c> and <c>result</c>, each spelled exactly as the
/// schema spells it. A peer that reads member names without regard to case (C# with web defaults, Go's
/// <c>encoding/json</c>) takes <c>Arguments</c> for <c>arguments</c> while the gateway's rules, views and checks read only
/// the exact spelling; so a name that folds to one of these but is spelled otherwise has two meanings and is refused,
/// like a duplicate member.
/// </summary>
internal static class McpMemberNames
{
    private static readonly FrozenDictionary<ulong, byte[]> _byKey = new[]
    {
        // params of requests and notifications
        "name", "arguments", "uri", "requestId", "reason", "_meta", "ref", "argument", "context", "cursor", "level",
        "protocolVersion", "capabilities", "clientInfo", "messages", "maxTokens", "systemPrompt", "includeContext",
        "temperature", "stopSequences", "metadata", "modelPreferences", "tools", "toolChoice", "message", "requestedSchema",
        "mode", "url", "elicitationId", "inputResponses", "requestState", "progressToken", "progress", "total", "taskId",
        "task", "data", "logger",

        // result
        "resultType", "inputRequests", "prompts", "resources", "resourceTemplates", "contents", "content", "isError",
        "structuredContent", "nextCursor", "serverInfo", "instructions", "completion", "roots", "description", "model",
        "role", "stopReason", "action", "supportedVersions",
    }.Distinct(StringComparer.Ordinal).Select(Encoding.UTF8.GetBytes).ToFrozenDictionary(static name => MemberNameKey.Of(name), static name => name);

    /// <summary>
    /// True when <paramref name="unescapedUtf8"/>, a direct member of <c>params</c> or <c>result</c>, folds to an MCP member
    /// name without being spelled like it.
    /// </summary>
    /// <param name="key">The name's <see cref="MemberNameKey"/>, already computed for the duplicate check.</param>
    public static bool IsMisspelled(ReadOnlySpan<byte> unescapedUtf8, ulong key) =>
        _byKey.TryGetValue(key, out var exact) && !unescapedUtf8.SequenceEqual(exact);
}
