using System.Text;

namespace McpGateway.Inspectors.Masking;

/// <summary>A compiled JSON-path field rule: member names, <c>*</c> (any member) and <c>[*]</c> (any element), from the root.</summary>
internal sealed class FieldRule
{
    public const string AnyMember = "*";
    public const string AnyElement = "[*]";

    private FieldRule(string path, string kind, string[] segments)
    {
        Path = path;
        Kind = kind;
        Segments = segments;
        Utf8Segments = Array.ConvertAll(segments, Encoding.UTF8.GetBytes);
    }

    public string Path { get; }

    public string Kind { get; }

    public string[] Segments { get; }

    public byte[][] Utf8Segments { get; }

    /// <summary>Parses <c>$.a.b[*].c</c>; null (with the reason) when the path is not in the supported subset.</summary>
    public static FieldRule? Parse(string path, string kind, out string? error)
    {
        error = null;
        if (!path.StartsWith("$.", StringComparison.Ordinal) || path.Length < 3)
        {
            error = "must start with \"$.\"";
            return null;
        }

        var segments = new List<string>();
        foreach (var part in path[2..].Split('.'))
        {
            var name = part;
            var elements = 0;
            while (name.EndsWith(AnyElement, StringComparison.Ordinal))
            {
                name = name[..^3];
                elements++;
            }

            if (name.Length == 0 && elements == 0)
            {
                error = "has an empty segment";
                return null;
            }

            if (name.Contains('[', StringComparison.Ordinal) || name.Contains(']', StringComparison.Ordinal))
            {
                error = "supports only [*] among bracket forms";
                return null;
            }

            if (name.Length > 0)
            {
                segments.Add(name);
            }

            for (var i = 0; i < elements; i++)
            {
                segments.Add(AnyElement);
            }
        }

        return new FieldRule(path, kind, [.. segments]);
    }
}
