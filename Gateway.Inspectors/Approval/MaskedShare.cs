using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace McpGateway.Inspectors.Approval;

/// <summary>
/// How much of a held call's arguments its masked spans hide, read from the arguments as approvers see them, where each
/// label says how many characters it stands for (<c>[MASKED:kind:n len=N mac=xxxxxxxx]</c>, ending <c> suspicious]</c>
/// when the value holds what a shell or URL would act on). <see cref="Share"/> is the larger of the share over the whole
/// arguments text and the largest share within any one string value, so that padding in another argument does not dilute
/// a value that is mostly hidden. Text a requester writes to look like a label only adds to the hidden share (or to the
/// suspicious labels), never takes from it; a call whose masking failed is hidden whole.
/// </summary>
/// <param name="HiddenChars">Characters the labels stand for, over the whole arguments.</param>
/// <param name="ShownChars">Characters shown outside labels, over the whole arguments.</param>
/// <param name="LargestValueShare">The largest hidden share within one JSON string value.</param>
/// <param name="SuspiciousSpans">Labels marked <c>suspicious</c>.</param>
internal readonly partial record struct MaskedShare(int HiddenChars, int ShownChars, double LargestValueShare = 0, int SuspiciousSpans = 0)
{
    public const string MaskingFailed = "[MASKED:masking_failed]";

    public double Share => Math.Max(WholeShare, LargestValueShare);

    /// <summary>The hidden share over the whole arguments text.</summary>
    public double WholeShare => Ratio(HiddenChars, ShownChars);

    /// <summary>Whether approving needs the right to reveal: a suspicious label, or more hidden than <paramref name="maxShare"/>.</summary>
    public bool NeedsReveal(double maxShare) => SuspiciousSpans > 0 || Share > maxShare;

    public static MaskedShare Of(string? maskedArguments)
    {
        if (maskedArguments is null)
        {
            return default;
        }

        if (maskedArguments.Contains(MaskingFailed, StringComparison.Ordinal))
        {
            return new MaskedShare(Math.Max(maskedArguments.Length, 1), 0, 1);
        }

        var (hidden, shown, suspicious) = Count(maskedArguments);
        return new MaskedShare((int)Math.Min(hidden, int.MaxValue), shown, LargestValueShareOf(maskedArguments), suspicious);
    }

    private static (long Hidden, int Shown, int Suspicious) Count(string text)
    {
        var hidden = 0L;
        var labels = 0;
        var suspicious = 0;
        foreach (Match label in Label().Matches(text))
        {
            hidden += long.Parse(label.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture);
            labels += label.Length;
            suspicious += label.Groups[2].Success ? 1 : 0;
        }

        return (hidden, text.Length - labels, suspicious);
    }

    /// <summary>The largest share among the string values (member names are never masked); text that is not JSON counts whole.</summary>
    private static double LargestValueShareOf(string maskedArguments)
    {
        var largest = 0.0;
        try
        {
            using var document = JsonDocument.Parse(maskedArguments, new JsonDocumentOptions { MaxDepth = 1024 });
            var pending = new Stack<JsonElement>();
            pending.Push(document.RootElement);
            while (pending.TryPop(out var element))
            {
                switch (element.ValueKind)
                {
                    case JsonValueKind.Object:
                        foreach (var member in element.EnumerateObject())
                        {
                            pending.Push(member.Value);
                        }

                        break;
                    case JsonValueKind.Array:
                        foreach (var item in element.EnumerateArray())
                        {
                            pending.Push(item);
                        }

                        break;
                    case JsonValueKind.String:
                        var (hidden, shown, _) = Count(element.GetString()!);
                        largest = Math.Max(largest, Ratio(hidden, shown));
                        break;
                }
            }
        }
        catch (JsonException)
        {
            var (hidden, shown, _) = Count(maskedArguments);
            return Ratio(hidden, shown);
        }

        return largest;
    }

    private static double Ratio(long hidden, int shown) => hidden + shown == 0 ? 0 : (double)hidden / (hidden + shown);

    [GeneratedRegex(@"\[MASKED:[^\]\s:]{1,64}:[0-9]{1,9} len=([0-9]{1,9})(?: mac=[0-9a-f]{8})?( suspicious)?\]", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Label();
}
