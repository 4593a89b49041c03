using System.Text.RegularExpressions;
using McpGateway.Tests.Infrastructure;

namespace McpGateway.Tests.Operations;

/// <summary>
/// Gateway.Core's folders (each a namespace) depend on each other one way: a folder that reaches another, directly or
/// through others, is never reached back. Read from the sources (<c>using</c> lines and qualified names), so a
/// dependency counts wherever it is written.
/// </summary>
[TestFixture]
internal sealed partial class CoreImportLoopTests
{
    /// <summary>
    /// The one loop left: the session runtime counts connections through the listener's limiter, and the listener hands
    /// connections to the session runtime. Both folders are being rewritten in the session-core redesign (issue #16).
    /// </summary>
    private static readonly string[][] KnownLoops = [["Listener", "Sessions"]];

    private static string CoreDirectory => Path.Combine(RepoPaths.Root, "Gateway.Core");

    [Test]
    public void CoreFolders_Imports_FormNoLoopButTheKnownOne()
    {
        var loops = Loops(Imports()).Select(l => string.Join(", ", l.Order(StringComparer.Ordinal))).ToList();
        var known = KnownLoops.Select(l => string.Join(", ", l));

        Assert.That(loops, Is.EquivalentTo(known), "folders in one loop: " + string.Join(" | ", loops));
    }

    [Test]
    public void Loops_ThreeFoldersInACircleAndOneAside_FindsTheCircleOnly()
    {
        var imports = new Dictionary<string, HashSet<string>>
        {
            ["A"] = ["B"],
            ["B"] = ["C"],
            ["C"] = ["A", "D"],
            ["D"] = [],
        };

        Assert.That(Loops(imports).Select(l => string.Join(",", l.Order(StringComparer.Ordinal))), Is.EqualTo(new[] { "A,B,C" }));
    }

    /// <summary>Top-level folder of Core to the top-level folders its files name.</summary>
    private static Dictionary<string, HashSet<string>> Imports()
    {
        var imports = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var file in SourceFiles())
        {
            var text = File.ReadAllText(file);
            var folder = Folder(NamespacePattern().Match(text).Groups[1].Value);
            var targets = imports.TryGetValue(folder, out var set) ? set : imports[folder] = [];
            foreach (Match reference in ReferencePattern().Matches(text))
            {
                if (reference.Groups[1].Value != folder)
                {
                    targets.Add(reference.Groups[1].Value);
                }
            }
        }

        Assert.That(imports, Has.Count.GreaterThan(10), "the scan found Core's folders");
        return imports;

        static string Folder(string ns) => ns.Split('.') is { Length: > 2 } parts ? parts[2] : "";
    }

    /// <summary>The strongly connected components with more than one folder (Tarjan).</summary>
    private static List<List<string>> Loops(IReadOnlyDictionary<string, HashSet<string>> imports)
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var loops = new List<List<string>>();
        foreach (var folder in imports.Keys.Order(StringComparer.Ordinal))
        {
            if (!index.ContainsKey(folder))
            {
                Visit(folder);
            }
        }

        return loops;

        void Visit(string folder)
        {
            index[folder] = low[folder] = index.Count;
            stack.Push(folder);
            foreach (var next in imports.GetValueOrDefault(folder) ?? [])
            {
                if (!index.TryGetValue(next, out var seen))
                {
                    Visit(next);
                    low[folder] = Math.Min(low[folder], low[next]);
                }
                else if (stack.Contains(next))
                {
                    low[folder] = Math.Min(low[folder], seen);
                }
            }

            if (low[folder] == index[folder])
            {
                var component = new List<string>();
                string popped;
                do
                {
                    popped = stack.Pop();
                    component.Add(popped);
                }
                while (popped != folder);

                if (component.Count > 1)
                {
                    loops.Add(component);
                }
            }
        }
    }

    private static IEnumerable<string> SourceFiles() =>
        Directory.EnumerateFiles(CoreDirectory, "*.cs", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(CoreDirectory, f).Split(Path.DirectorySeparatorChar)[0].Equals("obj", StringComparison.Ordinal)
                && !Path.GetRelativePath(CoreDirectory, f).Split(Path.DirectorySeparatorChar)[0].Equals("bin", StringComparison.Ordinal));

    [GeneratedRegex(@"^namespace ([\w.]+);", RegexOptions.Multiline)]
    private static partial Regex NamespacePattern();

    [GeneratedRegex(@"\bMcpGateway\.Core\.(\w+)")]
    private static partial Regex ReferencePattern();
}
