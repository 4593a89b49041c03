using System.Collections.Frozen;

namespace McpGateway.Inspectors.Policy;

/// <summary>Collects the rules of one connection (or of all) while a policy is compiled.</summary>
internal sealed class PolicyBucketBuilder
{
    private readonly Dictionary<string, List<PolicyRule>> _toolExact = new(StringComparer.Ordinal);
    private readonly List<(string, PolicyRule)> _toolGlobs = [];
    private readonly Dictionary<string, List<PolicyRule>> _methodExact = new(StringComparer.Ordinal);
    private readonly List<(string, PolicyRule)> _methodGlobs = [];
    private readonly List<PolicyRule> _anyMethod = [];
    private int _count;

    public void Add(PolicyRule rule)
    {
        _count++;
        if (rule.Tools.Count > 0)
        {
            AddNames(rule, rule.Tools, _toolExact, _toolGlobs);
        }
        else if (rule.Methods.Count > 0)
        {
            AddNames(rule, rule.Methods, _methodExact, _methodGlobs);
        }
        else
        {
            _anyMethod.Add(rule);
        }
    }

    public PolicyBucket Build() => new()
    {
        ToolExact = _toolExact.ToFrozenDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal),
        ToolGlobs = [.. _toolGlobs],
        MethodExact = _methodExact.ToFrozenDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal),
        MethodGlobs = [.. _methodGlobs],
        AnyMethod = [.. _anyMethod],
        Count = _count,
    };

    private static void AddNames(PolicyRule rule, IReadOnlyList<string> names, Dictionary<string, List<PolicyRule>> exact, List<(string, PolicyRule)> globs)
    {
        foreach (var name in names.Distinct(StringComparer.Ordinal))
        {
            if (GlobPattern.IsGlob(name))
            {
                globs.Add((name, rule));
            }
            else if (exact.TryGetValue(name, out var list))
            {
                list.Add(rule);
            }
            else
            {
                exact[name] = [rule];
            }
        }
    }
}
