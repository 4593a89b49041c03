using System.Text.Json;
using System.Text.RegularExpressions;

namespace McpGateway.Core.Policy;

/// <summary>
/// A regular expression on the argument at a dotted path below <c>params.arguments</c>. A string is matched on its
/// unescaped value; a number, boolean or null on its JSON text; an array or object matches when any value inside it
/// does (so wrapping a value in an array does not hide it).
/// </summary>
internal sealed class ArgumentMatcher
{
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    private readonly string[] _path;
    private readonly Regex _regex;

    public ArgumentMatcher(string path, Regex regex)
    {
        Path = path;
        _path = path.Split('.');
        _regex = regex;
    }

    public string Path { get; }

    /// <summary>Compiles <paramref name="pattern"/> with a match timeout, non-backtracking where the pattern allows.</summary>
    public static Regex Compile(string pattern, bool ignoreCase)
    {
        var options = RegexOptions.CultureInvariant | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None);
        try
        {
            return new Regex(pattern, options | RegexOptions.NonBacktracking, MatchTimeout);
        }
        catch (NotSupportedException)
        {
            // Backreferences, lookarounds and atomic groups need the backtracking engine; the timeout bounds it.
            return new Regex(pattern, options, MatchTimeout);
        }
    }

    /// <summary>True when the value at the path matches; <paramref name="onTimeout"/> is the answer when the regex times out.</summary>
    public bool Matches(JsonElement arguments, bool onTimeout)
    {
        var current = arguments;
        foreach (var segment in _path)
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(segment, out current))
            {
                return false;
            }
        }

        try
        {
            return MatchesValue(current);
        }
        catch (RegexMatchTimeoutException)
        {
            return onTimeout;
        }
    }

    private bool MatchesValue(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return _regex.IsMatch(value.GetString()!);
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray())
                {
                    if (MatchesValue(item))
                    {
                        return true;
                    }
                }

                return false;
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    if (MatchesValue(property.Value))
                    {
                        return true;
                    }
                }

                return false;
            default:
                return _regex.IsMatch(value.GetRawText());
        }
    }
}
