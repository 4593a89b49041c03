using System.Buffers;
using System.Collections.Frozen;
using System.Text.Json;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;
using McpGateway.Core.Identity;

namespace McpGateway.Inspectors.Policy;

/// <summary>
/// An immutable, validated policy indexed by connection and by tool or method name, so that a call only meets the
/// rules that could apply to it. Evaluation order: every matching rule is found; block overrides approve, approve
/// overrides allow; among rules of one action the first in the file names the decision; nothing matched means the
/// default. Argument matchers run only for rules whose other selectors matched, and the frame's arguments are only
/// parsed when such a rule is met.
/// </summary>
internal sealed class CompiledPolicy
{
    internal static readonly GatewayError NotAllowedByDefault = new(GatewayErrorCode.Forbidden, "not_allowed_by_default", "Forbidden: not allowed by policy");

    // Allowed when no rule matches, whatever the default: without them no session could start, and lists are filtered.
    private static readonly FrozenSet<string> _plumbing = new[]
    {
        McpMethods.Initialize, McpMethods.Ping, McpMethods.ServerDiscover, McpMethods.NotificationsInitialized,
        McpMethods.NotificationsCancelled, McpMethods.NotificationsProgress, McpMethods.NotificationsRootsListChanged,
        McpMethods.ToolsList, McpMethods.PromptsList, McpMethods.ResourcesList, McpMethods.ResourcesTemplatesList,
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly JsonDocumentOptions _documentOptions = new() { MaxDepth = 256 };

    private readonly FrozenDictionary<string, PolicyBucket> _byConnection;
    private readonly PolicyBucket _anyConnection;

    internal CompiledPolicy(PolicyAction defaultAction, IReadOnlyList<PolicyRule> rules, FrozenDictionary<string, PolicyBucket> byConnection, PolicyBucket anyConnection, long revision)
    {
        DefaultAction = defaultAction;
        Rules = rules;
        _byConnection = byConnection;
        _anyConnection = anyConnection;
        Revision = revision;
    }

    /// <summary>Allow or block (deny).</summary>
    public PolicyAction DefaultAction { get; }

    internal IReadOnlyList<PolicyRule> Rules { get; }

    public int RuleCount => Rules.Count;

    /// <summary>Counts successful loads: 1 for the policy the gateway started with.</summary>
    public long Revision { get; }

    /// <summary>How often the configuration file is checked for a changed policy.</summary>
    public TimeSpan ReloadInterval { get; init; } = DefaultReloadInterval;

    /// <summary>The absolute path of the tool pin file; null when pinning is off. Read at start only.</summary>
    public string? PinsPath { get; init; }

    /// <summary>Dotted paths of tool members left out of pin fingerprints. Read at start only.</summary>
    public IReadOnlyList<string> PinsIgnore { get; init; } = [];

    public static TimeSpan DefaultReloadInterval { get; } = TimeSpan.FromSeconds(2);

    internal CompiledPolicy WithRevision(long revision) => new(DefaultAction, Rules, _byConnection, _anyConnection, revision) { ReloadInterval = ReloadInterval, PinsPath = PinsPath, PinsIgnore = PinsIgnore };

    /// <param name="payload">The whole frame; read only if a candidate rule has argument matchers.</param>
    internal PolicyDecision Evaluate(GatewayIdentity identity, string connection, string method, string? tool, in ReadOnlySequence<byte> payload, PolicyMode mode)
    {
        var state = new PolicyEvaluationState();
        try
        {
            var isCall = tool is not null && string.Equals(method, McpMethods.ToolsCall, StringComparison.Ordinal);
            if (_byConnection.TryGetValue(connection, out var bucket))
            {
                Search(bucket, identity, method, isCall ? tool : null, payload, mode, ref state);
            }

            Search(_anyConnection, identity, method, isCall ? tool : null, payload, mode, ref state);
        }
        finally
        {
            state.Document?.Dispose();
        }

        if (state.Best is { } rule)
        {
            return new PolicyDecision(rule.Action, rule, rule.Error);
        }

        var action = mode == PolicyMode.ServerToClient ? PolicyAction.Block
            : _plumbing.Contains(method) ? PolicyAction.Allow
            : DefaultAction;
        return new PolicyDecision(action, null, action == PolicyAction.Allow ? null : NotAllowedByDefault);
    }

    private static void Search(PolicyBucket bucket, GatewayIdentity identity, string method, string? tool, in ReadOnlySequence<byte> payload, PolicyMode mode, ref PolicyEvaluationState state)
    {
        if (bucket.Count == 0)
        {
            return;
        }

        if (tool is not null)
        {
            if (bucket.ToolExact.TryGetValue(tool, out var exact))
            {
                Consider(exact, identity, payload, mode, ref state);
            }

            foreach (var (pattern, rule) in bucket.ToolGlobs)
            {
                if (GlobPattern.Matches(pattern, tool))
                {
                    Consider(rule, identity, payload, mode, ref state);
                }
            }
        }

        if (bucket.MethodExact.TryGetValue(method, out var byMethod))
        {
            Consider(byMethod, identity, payload, mode, ref state);
        }

        foreach (var (pattern, rule) in bucket.MethodGlobs)
        {
            if (GlobPattern.Matches(pattern, method))
            {
                Consider(rule, identity, payload, mode, ref state);
            }
        }

        if (mode != PolicyMode.ServerToClient)
        {
            Consider(bucket.AnyMethod, identity, payload, mode, ref state);
        }
    }

    private static void Consider(PolicyRule[] rules, GatewayIdentity identity, in ReadOnlySequence<byte> payload, PolicyMode mode, ref PolicyEvaluationState state)
    {
        foreach (var rule in rules)
        {
            Consider(rule, identity, payload, mode, ref state);
        }
    }

    private static void Consider(PolicyRule rule, GatewayIdentity identity, in ReadOnlySequence<byte> payload, PolicyMode mode, ref PolicyEvaluationState state)
    {
        if (state.Best is { } best && (rule.Action < best.Action || (rule.Action == best.Action && rule.Index >= best.Index)))
        {
            // Cannot change the decision.
            return;
        }

        if (!rule.MatchesIdentity(identity))
        {
            return;
        }

        if (rule.HasArguments)
        {
            if (mode == PolicyMode.Visibility)
            {
                // Arguments unknown: a block that depends on them does not hide the tool; an allow or approve may apply.
                if (rule.Action == PolicyAction.Block)
                {
                    return;
                }
            }
            else if (!ArgumentsMatch(rule, payload, ref state))
            {
                return;
            }
        }

        state.Best = rule;
    }

    private static bool ArgumentsMatch(PolicyRule rule, in ReadOnlySequence<byte> payload, ref PolicyEvaluationState state)
    {
        if (!state.ArgumentsRead)
        {
            state.ArgumentsRead = true;
            try
            {
                state.Document = JsonDocument.Parse(payload, _documentOptions);
                if (state.Document.RootElement.ValueKind == JsonValueKind.Object
                    && state.Document.RootElement.TryGetProperty("params", out var parameters)
                    && parameters.ValueKind == JsonValueKind.Object
                    && parameters.TryGetProperty("arguments", out var arguments))
                {
                    state.Arguments = arguments;
                    state.HasArguments = true;
                }
            }
            catch (JsonException)
            {
                // The framing layer already validated the frame; an unreadable one has no arguments to match.
            }
        }

        if (!state.HasArguments)
        {
            return false;
        }

        // Every doubt refuses: a block or approve rule matches on any leaf or anything unreadable, an allow rule only when every leaf matches.
        var any = rule.Action != PolicyAction.Allow;
        foreach (var matcher in rule.Arguments)
        {
            if (!matcher.Matches(state.Arguments, any))
            {
                return false;
            }
        }

        return true;
    }
}
