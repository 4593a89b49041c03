using System.Collections.Concurrent;

namespace McpGateway.Inspectors.Policy;

/// <summary>
/// The tool names each connection's upstream is known to have: every entry of every <c>tools/list</c> response any
/// session saw (before the policy filtered it), and every tool a call succeeded on. A failed call to a tool not known
/// here is answered like a call to a hidden tool, so that probing names never tells hidden tools from nonexistent ones.
/// Names are only ever added (a call succeeding before any list was seen adds its tool without making the list known).
/// </summary>
internal sealed class ToolCatalog
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _byConnection = new(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<string, byte> _listed = new(StringComparer.Ordinal);

    /// <summary>A name from a <c>tools/list</c> response.</summary>
    public void AddListed(string connection, string tool)
    {
        Add(connection, tool);
        _listed.TryAdd(connection, 0);
    }

    /// <summary>A tool a call succeeded on.</summary>
    public void Add(string connection, string tool) =>
        _byConnection.GetOrAdd(connection, static _ => new ConcurrentDictionary<string, byte>(StringComparer.Ordinal)).TryAdd(tool, 0);

    /// <summary>Whether any tool list of the connection was seen yet.</summary>
    public bool HasList(string connection) => _listed.ContainsKey(connection);

    public bool Knows(string connection, string tool) =>
        _byConnection.TryGetValue(connection, out var tools) && tools.ContainsKey(tool);
}
