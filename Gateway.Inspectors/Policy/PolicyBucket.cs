using System.Collections.Frozen;

namespace McpGateway.Inspectors.Policy;

/// <summary>
/// The rules of one connection (or of every connection): exact tool and method names in dictionaries, globs in
/// short lists, and the rules that name neither.
/// </summary>
internal sealed class PolicyBucket
{
    public required FrozenDictionary<string, PolicyRule[]> ToolExact { get; init; }

    public required (string Pattern, PolicyRule Rule)[] ToolGlobs { get; init; }

    public required FrozenDictionary<string, PolicyRule[]> MethodExact { get; init; }

    public required (string Pattern, PolicyRule Rule)[] MethodGlobs { get; init; }

    /// <summary>Rules without a method or tool selector: they match every method.</summary>
    public required PolicyRule[] AnyMethod { get; init; }

    public int Count { get; init; }
}
