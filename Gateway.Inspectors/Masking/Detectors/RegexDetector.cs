using System.Text.RegularExpressions;

namespace McpGateway.Inspectors.Masking.Detectors;

/// <summary>
/// A regular expression for candidates, optionally confirmed by a checksum or range check. A <paramref name="trigger"/>
/// that every match contains gates the regex with a vectorized search, for patterns that cannot start with a literal.
/// </summary>
internal sealed class RegexDetector(string kind, Regex regex, int minLength, PrefilterHint? hint, CandidateValidator? validate = null, string? trigger = null)
    : SecretDetector(kind, hint)
{
    public override void Find(ReadOnlySpan<char> text, ref List<SecretMatch>? matches)
    {
        if (text.Length < minLength || (trigger is not null && !text.Contains(trigger, StringComparison.Ordinal)))
        {
            return;
        }

        foreach (var match in regex.EnumerateMatches(text))
        {
            var length = validate is null ? match.Length : validate(text.Slice(match.Index, match.Length));
            if (length > 0)
            {
                (matches ??= []).Add(new SecretMatch(match.Index, length, Kind));
            }
        }
    }
}
