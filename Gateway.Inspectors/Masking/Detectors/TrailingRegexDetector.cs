using System.Text.RegularExpressions;

namespace McpGateway.Inspectors.Masking.Detectors;

/// <summary>
/// A pattern that starts with its context (a keyword) and ends with the secret, which is the match's last
/// <paramref name="length"/> characters. Cheaper than a lookbehind, which would be tried at every position.
/// </summary>
internal sealed class TrailingRegexDetector(string kind, Regex regex, int length, PrefilterHint hint, CandidateValidator validate) : SecretDetector(kind, hint)
{
    public override void Find(ReadOnlySpan<char> text, ref List<SecretMatch>? matches)
    {
        if (text.Length < length)
        {
            return;
        }

        foreach (var match in regex.EnumerateMatches(text))
        {
            var start = match.Index + match.Length - length;
            if (validate(text.Slice(start, length)) > 0)
            {
                (matches ??= []).Add(new SecretMatch(start, length, Kind));
            }
        }
    }
}
