namespace McpGateway.Inspectors.Masking.Detectors;

/// <summary>Finds one kind of secret in unescaped text. Created once, used concurrently; finding nothing allocates nothing.</summary>
internal abstract class SecretDetector(string kind, PrefilterHint? hint)
{
    /// <summary>The label's kind, e.g. <c>aws_secret</c>.</summary>
    public string Kind { get; } = kind;

    /// <summary>What every match contains, for the profile's pre-filter; null when unknown (the pre-filter is then off).</summary>
    public PrefilterHint? Hint { get; } = hint;

    /// <summary>Adds every secret in <paramref name="text"/> to <paramref name="matches"/>, creating the list on the first hit.</summary>
    public abstract void Find(ReadOnlySpan<char> text, ref List<SecretMatch>? matches);
}
