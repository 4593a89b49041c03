namespace McpGateway.Inspectors.Masking;

/// <summary>
/// Whether a value masked for approvers holds what a secret of its kind has no need to hold but a shell or a URL would
/// act on, so that the label could be hiding a command or a path rather than a secret. Such a label is marked
/// <c>suspicious</c>, and only a member of <c>approvals.revealGroups</c> may approve the call.
/// </summary>
/// <remarks>
/// Every kind: whitespace or a control character, <c>$ ` ( ) | ; &amp; &lt; &gt; " ' \</c>. The built-ins whose own
/// pattern admits some of these, and only in a form that cannot carry a command, keep them: a card, an IBAN and a phone
/// number their spaces (a phone number also its parentheses), a private key its line breaks and escaped <c>\n</c>.
/// A password's delimiting quotes are not part of it. An AWS secret (40 base64 characters) is also suspicious when it
/// looks like a path: it starts with <c>/</c>, holds <c>//</c>, or holds three or more <c>/</c> (a random one does
/// so about one time in twenty, and then only needs a reveal-group approver).
/// </remarks>
internal static class ApprovalSuspicion
{
    public static bool IsSuspicious(string kind, ReadOnlySpan<char> value)
    {
        if (kind == "password")
        {
            value = Unquoted(value);
        }

        var keepsSpaces = kind is "card" or "iban" or "phone" or "private_key";
        foreach (var c in value)
        {
            var suspicious = c switch
            {
                '$' or '`' or '|' or ';' or '&' or '<' or '>' or '"' or '\'' => true,
                '(' or ')' => kind != "phone",
                '\\' => kind != "private_key",
                _ => char.IsControl(c) || char.IsWhiteSpace(c) ? !keepsSpaces || (kind != "private_key" && c is not ' ') : false,
            };
            if (suspicious)
            {
                return true;
            }
        }

        return kind == "aws_secret" && LooksLikePath(value);
    }

    private static bool LooksLikePath(ReadOnlySpan<char> value) =>
        value.StartsWith('/') || value.Contains("//", StringComparison.Ordinal) || value.Count('/') >= 3;

    /// <summary>The password's quoted form without its quotes; a lone leading quote (a value cut off at its line) dropped.</summary>
    private static ReadOnlySpan<char> Unquoted(ReadOnlySpan<char> value)
    {
        if (value.Length == 0 || value[0] is not ('"' or '\''))
        {
            return value;
        }

        return value.Length >= 2 && value[^1] == value[0] ? value[1..^1] : value[1..];
    }
}
