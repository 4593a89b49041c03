using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using McpGateway.Core.Framing;

namespace McpGateway.Inspectors.Policy;

/// <summary>
/// A regular expression on the argument at a dotted path below <c>params.arguments</c>, read the way a lenient
/// upstream might read it. Every value the path can reach is a candidate: an array met on the path stands for each of
/// its elements, a member given twice for both values, and a string that holds a JSON object or array (which SDKs such
/// as FastMCP parse for a structured parameter) for the value it holds. Each candidate is matched through its leaves: a
/// string on its unescaped text (and, when it reads as a number or holds JSON, on that too), a number on its
/// <see cref="CanonicalNumber"/> forms, <c>true</c>, <c>false</c> and <c>null</c> on their text; an array or object
/// through every value inside it.
/// </summary>
/// <remarks>
/// What counts as a match depends on the action, so that every doubt refuses: a <c>block</c> or <c>approve</c> rule
/// matches when any leaf matches, and also when a leaf cannot be read (a string starting with <c>{</c> or <c>[</c>
/// that is not valid JSON, nesting deeper than <see cref="MaxDepth"/>, a number too long to write out, a regex that
/// times out). An <c>allow</c> rule matches only when there is at least one leaf, every leaf matches, and nothing
/// could not be read.
/// </remarks>
internal sealed class ArgumentMatcher
{
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>Objects and arrays counted from <c>arguments</c>, including those inside JSON held in strings.</summary>
    public const int MaxDepth = 64;

    private readonly string[] _path;
    private readonly ulong[] _pathKeys;
    private readonly Regex _regex;

    public ArgumentMatcher(string path, Regex regex)
    {
        Path = path;
        _path = path.Split('.');
        _pathKeys = [.. _path.Select(static segment => MemberNameKey.Of(Encoding.UTF8.GetBytes(segment)))];
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

    /// <param name="any">True for block and approve rules (any leaf or any doubt matches), false for allow rules (every leaf must match).</param>
    public bool Matches(JsonElement arguments, bool any)
    {
        var walk = new Walk(any);
        Follow(arguments, 0, 0, ref walk);
        return any
            ? walk.Matched || walk.Unreadable
            : walk.Leaves > 0 && !walk.Failed && !walk.Unreadable;
    }

    private void Follow(JsonElement value, int segment, int depth, ref Walk walk)
    {
        if (walk.Decided)
        {
            return;
        }

        if (segment == _path.Length)
        {
            Leaves(value, depth, ref walk);
            return;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                if (depth + 1 > MaxDepth)
                {
                    walk.Unreadable = true;
                    return;
                }

                foreach (var property in value.EnumerateObject())
                {
                    // Names compare as the parsing rule compares them (after case folding): an upstream that binds
                    // arguments without regard to case reads Target as target, so a rule on target must too.
                    if (property.NameEquals(_path[segment]) || FoldedKey(property.Name) == _pathKeys[segment])
                    {
                        Follow(property.Value, segment + 1, depth + 1, ref walk);
                    }
                }

                return;
            case JsonValueKind.Array:
                if (depth + 1 > MaxDepth)
                {
                    walk.Unreadable = true;
                    return;
                }

                foreach (var item in value.EnumerateArray())
                {
                    Follow(item, segment, depth + 1, ref walk);
                }

                return;
            case JsonValueKind.String when HeldJson(value.GetString()!, depth, ref walk) is { } held:
                using (held)
                {
                    Follow(held.RootElement, segment, depth, ref walk);
                }

                return;
            default:
                // The path does not go on from here: nothing to match.
                return;
        }
    }

    private void Leaves(JsonElement value, int depth, ref Walk walk)
    {
        if (walk.Decided)
        {
            return;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
            case JsonValueKind.Array:
                if (depth + 1 > MaxDepth)
                {
                    walk.Unreadable = true;
                    return;
                }

                if (value.ValueKind == JsonValueKind.Object)
                {
                    foreach (var property in value.EnumerateObject())
                    {
                        Leaves(property.Value, depth + 1, ref walk);
                    }
                }
                else
                {
                    foreach (var item in value.EnumerateArray())
                    {
                        Leaves(item, depth + 1, ref walk);
                    }
                }

                return;
            case JsonValueKind.String:
                var text = value.GetString()!;
                Leaf(text, ref walk);
                Number(text, ref walk);
                if (HeldJson(text, depth, ref walk) is { } held)
                {
                    using (held)
                    {
                        Leaves(held.RootElement, depth, ref walk);
                    }
                }

                return;
            case JsonValueKind.Number:
                Number(value.GetRawText(), ref walk);
                return;
            default:
                Leaf(value.GetRawText(), ref walk);
                return;
        }
    }

    private void Number(string text, ref Walk walk)
    {
        if (!CanonicalNumber.TryRead(text, out var exact, out var asDouble, out var tooLong))
        {
            return;
        }

        if (tooLong)
        {
            walk.Unreadable = true;
            return;
        }

        Leaf(exact, ref walk);
        if (asDouble is not null)
        {
            Leaf(asDouble, ref walk);
        }
    }

    private void Leaf(string text, ref Walk walk)
    {
        if (walk.Decided)
        {
            return;
        }

        walk.Leaves++;
        try
        {
            if (_regex.IsMatch(text))
            {
                walk.Matched = true;
            }
            else
            {
                walk.Failed = true;
            }
        }
        catch (RegexMatchTimeoutException)
        {
            walk.Unreadable = true;
        }
    }

    /// <summary>The JSON object or array a string holds; null when it holds none (or cannot be read, which <paramref name="walk"/> notes).</summary>
    private static JsonDocument? HeldJson(string text, int depth, ref Walk walk)
    {
        var trimmed = text.AsSpan().TrimStart(" \t\r\n");
        if (trimmed.IsEmpty || trimmed[0] is not ('{' or '['))
        {
            return null;
        }

        if (depth >= MaxDepth)
        {
            walk.Unreadable = true;
            return null;
        }

        try
        {
            return JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = MaxDepth - depth });
        }
        catch (JsonException)
        {
            // Looks like JSON but is not (or nests too deep): what a lenient parser makes of it is unknown.
            walk.Unreadable = true;
            return null;
        }
    }

    /// <summary>What the walk found so far.</summary>
    private struct Walk(bool any)
    {
        public int Leaves;
        public bool Matched;
        public bool Failed;
        public bool Unreadable;

        /// <summary>Nothing found later can change the outcome.</summary>
        public readonly bool Decided => Unreadable || (any ? Matched : Failed);
    }

    private static ulong FoldedKey(string name)
    {
        Span<byte> utf8 = name.Length <= 64 ? stackalloc byte[name.Length * 3] : new byte[Encoding.UTF8.GetMaxByteCount(name.Length)];
        return MemberNameKey.Of(utf8[..Encoding.UTF8.GetBytes(name, utf8)]);
    }
}
