using System.Globalization;
using System.Text.RegularExpressions;

namespace McpGateway.Inspectors.Approval;

/// <summary>
/// How much of a held call's arguments its masked spans hide, read from the arguments as approvers see them, where each
/// label says how many characters it stands for (<c>[MASKED:kind:n len=N mac=xxxxxxxx]</c>). Text a requester writes to look like a
/// label only adds to the hidden share, never takes from it; a call whose masking failed is hidden whole.
/// </summary>
internal readonly partial record struct MaskedShare(int HiddenChars, int ShownChars)
{
    public const string MaskingFailed = "[MASKED:masking_failed]";

    public double Share => HiddenChars + ShownChars == 0 ? 0 : (double)HiddenChars / (HiddenChars + ShownChars);

    public static MaskedShare Of(string? maskedArguments)
    {
        if (maskedArguments is null)
        {
            return default;
        }

        if (maskedArguments.Contains(MaskingFailed, StringComparison.Ordinal))
        {
            return new MaskedShare(Math.Max(maskedArguments.Length, 1), 0);
        }

        var hidden = 0L;
        var labels = 0;
        foreach (Match label in Label().Matches(maskedArguments))
        {
            hidden += long.Parse(label.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture);
            labels += label.Length;
        }

        return new MaskedShare((int)Math.Min(hidden, int.MaxValue), maskedArguments.Length - labels);
    }

    [GeneratedRegex(@"\[MASKED:[^\]\s:]{1,64}:[0-9]{1,9} len=([0-9]{1,9})(?: mac=[0-9a-f]{8})?\]", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Label();
}
