using System.Buffers;
using System.Collections.Frozen;
using System.Net;
using BenchmarkDotNet.Attributes;
using McpGateway.Core.Chain;
using McpGateway.Core.Configuration;
using McpGateway.Core.Framing;
using McpGateway.Inspectors.Policy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpGateway.Benchmarks.Policy;

/// <summary>
/// The chain on one <c>tools/call</c> with the policy inspector holding 10, 100 and 1,000 rules, against the same
/// chain without a policy (the baseline). Most rules name other tools, connections or globs; the call meets an allow
/// rule and, for <c>query</c>, a block rule with a SQL regex, so its arguments are parsed. <c>echo</c> meets no
/// argument rule. Expected: flat across rule counts (the index, not a scan), the argument parse dominating.
/// </summary>
[MemoryDiagnoser]
public class PolicyEvaluationBenchmarks
{
    private static readonly byte[] _query = """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"query","arguments":{"sql":"select id, name from users where id = 42"}}}"""u8.ToArray();
    private static readonly byte[] _echo = """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hello"}}}"""u8.ToArray();

    private InspectorChain _bare = null!;
    private InspectorChain _withPolicy = null!;
    private McpFrame _queryFrame = null!;
    private McpFrame _echoFrame = null!;

    [Params(10, 100, 1000)]
    public int Rules { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var errors = new List<string>();
        var policy = PolicyCompiler.Compile(Options(Rules), ["db", "files"], errors)
            ?? throw new InvalidOperationException(string.Join("; ", errors));
        var settings = new GatewaySettings
        {
            Endpoint = new IPEndPoint(IPAddress.Loopback, 0),
            AuthMode = AuthMode.None,
            Connections = FrozenDictionary<string, ConnectionSettings>.Empty,
            Features = FeatureSettings.Of(policy),
        };
        var monitor = new PolicyMonitor(settings, new ToolPinStore(null, TimeProvider.System, NullLogger.Instance), TimeProvider.System, NullLogger<PolicyMonitor>.Instance);
        var inspector = new PolicyInspector(monitor, NullLogger<PolicyInspector>.Instance);
        using var services = new ServiceCollection().BuildServiceProvider();
        _bare = InspectorChainBuilder.Build([], [], services, NullLogger.Instance);
        _withPolicy = InspectorChainBuilder.Build([new InspectorRegistration(inspector.Name, ChainSlot.Policy, _ => inspector)], [], services, NullLogger.Instance);
        _queryFrame = Frame(_query, "query");
        _echoFrame = Frame(_echo, "echo");
    }

    [Benchmark(Baseline = true)]
    public VerdictKind NoPolicy() => Run(_bare, _queryFrame);

    [Benchmark]
    public VerdictKind Policy_ArgumentRule() => Run(_withPolicy, _queryFrame);

    [Benchmark]
    public VerdictKind Policy_NoArgumentRule() => Run(_withPolicy, _echoFrame);

    private static VerdictKind Run(InspectorChain chain, McpFrame frame)
    {
        var pending = chain.RunAsync(frame, 0, CancellationToken.None);
        if (!pending.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException("the policy inspector completes synchronously");
        }

        var verdict = pending.Result.Verdict;
        if (verdict.Kind != VerdictKind.Forward)
        {
            throw new InvalidOperationException($"the call was refused: {verdict}");
        }

        return verdict.Kind;
    }

    private static McpFrame Frame(byte[] payload, string tool)
    {
        var frame = new McpFrame(new PolicyBenchmarkSession(), FrameDirection.ClientToUpstream);
        frame.Reset(new ReadOnlySequence<byte>(payload), new FrameEnvelope(MessageKind.Request, JsonRpcId.FromNumber(1), McpMethods.ToolsCall, true, tool, JsonRpcId.None), null, null, 1);
        return frame;
    }

    /// <summary>Three rules that concern the call, the rest a mix of exact tools, a few globs, methods, other connections and argument rules on other tools.</summary>
    private static PolicyOptions Options(int count)
    {
        var options = new PolicyOptions();
        options.Rules.Add(Rule("allow-query", "allow", r => { r.Match.Tools.Add("query"); r.Match.Tools.Add("echo"); r.Match.Groups.Add("engineering"); }));
        options.Rules.Add(Rule("no-drop", "block", r =>
        {
            r.Match.Tools.Add("query");
            r.Match.Arguments["sql"] = new ArgumentMatchOptions { Regex = @"\bDROP\s+(TABLE|DATABASE)\b", IgnoreCase = true };
        }));
        options.Rules.Add(Rule("files-only", "allow", r => r.Match.Connections.Add("files")));
        for (var i = options.Rules.Count; i < count; i++)
        {
            var n = i;
            options.Rules.Add(Rule($"rule-{n}", n % 3 == 0 ? "block" : "allow", r =>
            {
                switch (n % 5)
                {
                    case 0:
                        r.Match.Tools.Add($"tool-{n}");
                        r.Match.Arguments["path"] = new ArgumentMatchOptions { Regex = $"^/secret/{n}/" };
                        break;
                    case 1:
                        // A glob for one rule in ten of this kind (2 % overall); the rest exact names.
                        r.Match.Tools.Add(n % 50 == 1 ? $"ns{n}_*" : $"ns{n}_tool");
                        break;
                    case 2:
                        r.Match.Methods.Add($"vendor/method-{n}");
                        break;
                    case 3:
                        r.Match.Connections.Add("files");
                        r.Match.Tools.Add($"tool-{n}");
                        break;
                    default:
                        r.Match.Tools.Add($"tool-{n}");
                        r.Match.Subjects.Add($"user-{n}");
                        break;
                }
            }));
        }

        return options;
    }

    private static PolicyRuleOptions Rule(string id, string action, Action<PolicyRuleOptions> match)
    {
        var rule = new PolicyRuleOptions { Id = id, Action = action };
        match(rule);
        return rule;
    }
}
