using System.Collections.Frozen;
using McpGateway.Core.Errors;

namespace McpGateway.Inspectors.Policy;

/// <summary>Validates the <c>policy</c> section, reporting every mistake at once, and builds its index.</summary>
internal static class PolicyCompiler
{
    private const string Section = "policy";

    /// <summary>Null when <paramref name="errors"/> gained an entry.</summary>
    /// <param name="baseDirectory">The configuration file's directory, which <see cref="PolicyOptions.Pins"/> is relative to.</param>
    public static CompiledPolicy? Compile(PolicyOptions options, IReadOnlyCollection<string> connectionNames, List<string> errors, long revision = 1, string? baseDirectory = null)
    {
        var countBefore = errors.Count;
        var defaultAction = PolicyAction.Block;
        switch (options.Default?.Trim().ToUpperInvariant())
        {
            case null or "" or "DENY":
                break;
            case "ALLOW":
                defaultAction = PolicyAction.Allow;
                break;
            default:
                errors.Add($"{Section}.default: '{options.Default}' is not one of deny, allow");
                break;
        }

        if (options.ReloadInterval is { } interval && interval <= TimeSpan.Zero)
        {
            errors.Add($"{Section}.reloadInterval: must be positive");
        }

        var pinsIgnore = Names(options.PinsIgnore, $"{Section}.pinsIgnore", errors);
        for (var i = 0; i < pinsIgnore.Count; i++)
        {
            if (pinsIgnore[i].Split('.').Any(string.IsNullOrWhiteSpace))
            {
                errors.Add($"{Section}.pinsIgnore[{i}]: the path must be member names separated by dots, e.g. _meta.updatedAt");
            }
        }

        if (pinsIgnore.Count > 0 && string.IsNullOrWhiteSpace(options.Pins))
        {
            errors.Add($"{Section}.pinsIgnore: applies to tool pinning only; give pins too");
        }

        var known = connectionNames as IReadOnlySet<string> ?? connectionNames.ToHashSet(StringComparer.Ordinal);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var rules = new List<PolicyRule>();
        for (var i = 0; i < options.Rules.Count; i++)
        {
            var rule = CompileRule(i, options.Rules[i], known, ids, errors);
            if (rule is not null)
            {
                rules.Add(rule);
            }
        }

        if (errors.Count > countBefore)
        {
            return null;
        }

        var byConnection = new Dictionary<string, PolicyBucketBuilder>(StringComparer.Ordinal);
        var any = new PolicyBucketBuilder();
        foreach (var rule in rules)
        {
            if (rule.Connections.Count == 0)
            {
                any.Add(rule);
                continue;
            }

            foreach (var connection in rule.Connections.Distinct(StringComparer.Ordinal))
            {
                if (!byConnection.TryGetValue(connection, out var bucket))
                {
                    byConnection[connection] = bucket = new PolicyBucketBuilder();
                }

                bucket.Add(rule);
            }
        }

        return new CompiledPolicy(
            defaultAction,
            rules,
            byConnection.ToFrozenDictionary(p => p.Key, p => p.Value.Build(), StringComparer.Ordinal),
            any.Build(),
            revision)
        {
            ReloadInterval = options.ReloadInterval ?? CompiledPolicy.DefaultReloadInterval,
            PinsIgnore = pinsIgnore,
            PinsPath = string.IsNullOrWhiteSpace(options.Pins) ? null : Path.GetFullPath(options.Pins, baseDirectory ?? Directory.GetCurrentDirectory()),
        };
    }

    private static PolicyRule? CompileRule(int index, PolicyRuleOptions options, IReadOnlySet<string> connections, HashSet<string> ids, List<string> errors)
    {
        var path = $"{Section}.rules[{index}]";
        var countBefore = errors.Count;
        if (string.IsNullOrWhiteSpace(options.Id))
        {
            errors.Add($"{path}.id: required");
        }
        else
        {
            path += $" ({options.Id})";
            if (!ids.Add(options.Id))
            {
                errors.Add($"{path}.id: '{options.Id}' is used by an earlier rule");
            }
        }

        PolicyAction action = PolicyAction.Block;
        switch (options.Action?.Trim().ToUpperInvariant())
        {
            case "ALLOW":
                action = PolicyAction.Allow;
                break;
            case "BLOCK":
                action = PolicyAction.Block;
                break;
            case "APPROVE":
                action = PolicyAction.Approve;
                break;
            default:
                errors.Add($"{path}.action: '{options.Action}' is not one of allow, block, approve");
                break;
        }

        var match = options.Match;
        var groups = Names(match.Groups, path + ".match.groups", errors);
        var subjects = Names(match.Subjects, path + ".match.subjects", errors);
        var clientIds = Names(match.ClientIds, path + ".match.clientIds", errors);
        var methods = Names(match.Methods, path + ".match.methods", errors);
        var tools = Names(match.Tools, path + ".match.tools", errors);
        var connectionNames = Names(match.Connections, path + ".match.connections", errors);
        for (var i = 0; i < connectionNames.Count; i++)
        {
            if (!connections.Contains(connectionNames[i]))
            {
                errors.Add($"{path}.match.connections[{i}]: no connection named '{connectionNames[i]}' is configured");
            }
        }

        if (methods.Count > 0 && tools.Count > 0)
        {
            errors.Add($"{path}.match: tools applies to tools/call only; give either methods or tools, not both");
        }

        var arguments = new List<ArgumentMatcher>();
        foreach (var (argumentPath, matcher) in match.Arguments)
        {
            var at = $"{path}.match.arguments.{argumentPath}";
            if (argumentPath.Split('.').Any(string.IsNullOrWhiteSpace))
            {
                errors.Add($"{at}: the path must be names separated by dots, e.g. sql or options.target");
                continue;
            }

            if (string.IsNullOrEmpty(matcher.Regex))
            {
                errors.Add($"{at}.regex: required");
                continue;
            }

            try
            {
                arguments.Add(new ArgumentMatcher(argumentPath, ArgumentMatcher.Compile(matcher.Regex, matcher.IgnoreCase == true)));
            }
            catch (ArgumentException ex)
            {
                errors.Add($"{at}.regex: not a valid regular expression ({ex.Message})");
            }
        }

        var approval = CompileApproval(path, options, action, errors);
        if (errors.Count > countBefore)
        {
            return null;
        }

        return new PolicyRule
        {
            Id = options.Id!,
            Action = action,
            Index = index,
            Reason = options.Reason,
            MaskProfile = options.MaskProfile,
            Groups = groups.Count == 0 ? null : groups.ToFrozenSet(StringComparer.Ordinal),
            Subjects = subjects.Count == 0 ? null : subjects.ToFrozenSet(StringComparer.Ordinal),
            ClientIds = clientIds.Count == 0 ? null : clientIds.ToFrozenSet(StringComparer.Ordinal),
            Connections = connectionNames,
            Methods = methods,
            Tools = tools,
            Arguments = [.. arguments],
            Approval = approval,
            Error = action switch
            {
                PolicyAction.Block => new GatewayError(GatewayErrorCode.Forbidden, "blocked_by_policy", "Forbidden: blocked by policy", options.Id),
                PolicyAction.Approve => new GatewayError(GatewayErrorCode.Forbidden, "approval_required", "Forbidden: this call needs an approval, which cannot be asked for here", options.Id),
                _ => null,
            },
        };
    }

    /// <summary>The approvers of an approve rule; other actions may not name any.</summary>
    private static ApprovalRequirement? CompileApproval(string path, PolicyRuleOptions options, PolicyAction action, List<string> errors)
    {
        if (action != PolicyAction.Approve)
        {
            foreach (var (given, key) in new[]
            {
                (options.ApproverGroups.Count > 0, "approverGroups"), (options.RequiredApprovals is not null, "requiredApprovals"),
                (options.ApprovalTimeout is not null, "approvalTimeout"), (options.MaxGrant is not null, "maxGrant"),
            })
            {
                if (given)
                {
                    errors.Add($"{path}.{key}: only an approve rule takes {key}");
                }
            }

            return null;
        }

        var groups = Names(options.ApproverGroups, path + ".approverGroups", errors);
        if (options.ApproverGroups.Count == 0)
        {
            errors.Add($"{path}.approverGroups: required for an approve rule (the groups whose members may decide a held call)");
        }

        var required = options.RequiredApprovals ?? 1;
        if (required < 1)
        {
            errors.Add($"{path}.requiredApprovals: must be at least 1, was {required.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        }

        var timeout = options.ApprovalTimeout ?? ApprovalRequirement.DefaultTimeout;
        if (timeout <= TimeSpan.Zero)
        {
            errors.Add($"{path}.approvalTimeout: must be positive");
        }

        var maxGrant = options.MaxGrant ?? TimeSpan.Zero;
        if (options.MaxGrant is not null && maxGrant <= TimeSpan.Zero)
        {
            errors.Add($"{path}.maxGrant: must be positive (leave it out to allow no grants)");
        }

        return new ApprovalRequirement(groups.Distinct(StringComparer.Ordinal).ToArray(), required, timeout, maxGrant);
    }

    private static List<string> Names(IList<string> values, string path, List<string> errors)
    {
        var names = new List<string>(values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(values[i]))
            {
                errors.Add($"{path}[{i}]: a name is required");
            }
            else
            {
                names.Add(values[i]);
            }
        }

        return names;
    }
}
