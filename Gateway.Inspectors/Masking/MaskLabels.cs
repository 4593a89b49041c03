namespace McpGateway.Inspectors.Masking;

/// <summary>
/// The labels of one session: the same secret always gets the same <c>[MASKED:kind:n]</c>, counted per kind, so a value
/// masked in two places stays recognisable. Kept in the session's items; both directions use it.
/// </summary>
internal sealed class MaskLabels
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Kind, string Value), string> _labels = [];
    private readonly Dictionary<string, int> _counters = new(StringComparer.Ordinal);

    public static MaskLabels For(Core.Chain.IGatewaySession session) =>
        (MaskLabels)session.Items.GetOrAdd(typeof(MaskLabels), static _ => new MaskLabels())!;

    public string Label(string kind, string value)
    {
        lock (_lock)
        {
            if (_labels.TryGetValue((kind, value), out var label))
            {
                return label;
            }

            _counters.TryGetValue(kind, out var count);
            _counters[kind] = ++count;
            label = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"[MASKED:{kind}:{count}]");
            _labels[(kind, value)] = label;
            return label;
        }
    }

    /// <summary><c>****</c> and the last four letters or digits of the value.</summary>
    public static string Partial(string value)
    {
        Span<char> tail = stackalloc char[4];
        var n = 0;
        for (var i = value.Length - 1; i >= 0 && n < 4; i--)
        {
            if (char.IsAsciiLetterOrDigit(value[i]))
            {
                tail[3 - n++] = value[i];
            }
        }

        return n < 4 ? "****" : string.Concat("****", tail);
    }
}
