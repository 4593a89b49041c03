using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using McpGateway.Inspectors.Approval;

namespace McpGateway.Inspectors.Approval;

/// <summary>
/// An approval request as the admin API shows it (masked arguments only, each label with the length it hides, and how
/// much of the arguments is hidden), and the vote body it takes.
/// </summary>
internal static class ApprovalJson
{
    public static JsonObject View(ApprovalView view, double maxMaskedShare)
    {
        ArgumentNullException.ThrowIfNull(view);
        var share = MaskedShare.Of(view.MaskedArguments);
        return new JsonObject
        {
            ["id"] = view.Id,
            ["state"] = SqlApprovalStore.StateText(view.State),
            ["subject"] = view.Subject,
            ["connection"] = view.Connection,
            ["tool"] = view.Tool,
            ["arguments"] = Arguments(view.MaskedArguments),
            ["masking"] = new JsonObject
            {
                ["hiddenChars"] = share.HiddenChars,
                ["shownChars"] = share.ShownChars,
                ["hiddenShare"] = Math.Round(share.WholeShare, 4),
                ["largestValueHiddenShare"] = Math.Round(share.LargestValueShare, 4),
                ["suspiciousSpans"] = share.SuspiciousSpans,
                ["revealRequired"] = share.NeedsReveal(maxMaskedShare),
            },
            ["rule"] = view.RuleId,
            ["approverGroups"] = new JsonArray([.. view.ApproverGroups.Select(g => JsonValue.Create(g))]),
            ["requiredApprovals"] = view.RequiredApprovals,
            ["votes"] = new JsonArray([.. view.Votes.Select(v => new JsonObject
            {
                ["approver"] = v.Approver,
                ["approve"] = v.Approve,
                ["reason"] = v.Reason,
                ["at"] = v.At,
            })]),
            ["sessionId"] = view.SessionId,
            ["createdAt"] = view.CreatedAt,
            ["expiresAt"] = view.ExpiresAt,
            ["grant"] = view.Grant is { } grant ? new JsonObject
            {
                ["id"] = grant.Id,
                ["grantedBy"] = grant.GrantedBy,
                ["sameArguments"] = grant.ArgumentsHash is not null,
                ["expiresAt"] = grant.ExpiresAt,
            } : null,
        };
    }

    /// <summary>
    /// Reads <c>{"reason": "...", "grant": {"duration": "00:30:00", "sameArguments": true}}</c> (every member optional;
    /// an empty body is no reason and no grant). Returns null and says why in <paramref name="error"/> when it is not that.
    /// </summary>
    public static ApprovalVote? Vote(bool approve, ReadOnlySpan<byte> body, out string? error)
    {
        error = null;
        if (body.Trim(" \t\r\n"u8).IsEmpty)
        {
            return new ApprovalVote(approve, null);
        }

        JsonObject? root;
        try
        {
            // One meaning per body, as for frames: a repeated member is refused, not resolved.
            root = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }) as JsonObject;
        }
        catch (JsonException ex)
        {
            error = $"the body is not JSON: {ex.Message}";
            return null;
        }

        if (root is null)
        {
            error = "the body must be a JSON object";
            return null;
        }

        string? reason = null;
        ApprovalGrantRequest? grant = null;
        foreach (var (name, value) in root)
        {
            switch (name)
            {
                case "reason" when value is null || value.GetValueKind() == JsonValueKind.String:
                    reason = (string?)value;
                    break;
                case "grant" when approve && value is JsonObject grantObject:
                    grant = Grant(grantObject, out error);
                    if (grant is null)
                    {
                        return null;
                    }

                    break;
                case "grant" when !approve:
                    error = "grant: only an approval can give a grant";
                    return null;
                default:
                    error = $"{name}: not expected here (expected reason{(approve ? ", grant {duration, sameArguments}" : "")})";
                    return null;
            }
        }

        return new ApprovalVote(approve, reason, grant);
    }

    private static ApprovalGrantRequest? Grant(JsonObject grant, out string? error)
    {
        error = null;
        TimeSpan? duration = null;
        var sameArguments = false;
        foreach (var (name, value) in grant)
        {
            if (name == "duration" && value?.GetValueKind() == JsonValueKind.String
                && TimeSpan.TryParse((string)value!, CultureInfo.InvariantCulture, out var parsed) && parsed > TimeSpan.Zero)
            {
                duration = parsed;
            }
            else if (name == "sameArguments" && value?.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
            {
                sameArguments = (bool)value!;
            }
            else
            {
                error = name == "duration"
                    ? "grant.duration: a positive time span is required, e.g. \"00:30:00\""
                    : $"grant.{name}: not expected here (expected duration, sameArguments)";
                return null;
            }
        }

        if (duration is null)
        {
            error = "grant.duration: required, e.g. \"00:30:00\"";
            return null;
        }

        return new ApprovalGrantRequest(duration.Value, sameArguments);
    }

    /// <summary>Arguments as JSON; kept as a string in the unlikely case they are not valid JSON.</summary>
    public static JsonNode? Arguments(string? masked)
    {
        if (masked is null)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(masked);
        }
        catch (JsonException)
        {
            return JsonValue.Create(masked);
        }
    }
}
