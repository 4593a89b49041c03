using McpGateway.Core.Chain;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;

namespace McpGateway.Samples.ToolCallQuota;

/// <summary>
/// Lets each session make at most <c>maxCallsPerSession</c> tool calls; later ones get -31009 with the rule id
/// <c>tool-call-quota</c> and never reach the upstream. Per-session state lives on the session, not here,
/// because one inspector instance serves every session.
/// </summary>
public sealed class ToolCallQuotaInspector(ToolCallQuotaOptions options) : IFrameInspector
{
    public const string InspectorName = "tool-call-quota";

    private static readonly GatewayError QuotaExceeded =
        new(GatewayErrorCode.Overloaded, "tool_call_quota_exceeded", "Rate limited: this session used its tool call quota", InspectorName);

    public string Name => InspectorName;

    public InspectedDirections Directions => InspectedDirections.ClientToUpstream;

    public ValueTask<Verdict> InspectAsync(McpFrame frame, CancellationToken cancellationToken)
    {
        if (frame.Kind != MessageKind.Request || frame.Method != McpMethods.ToolsCall)
        {
            return ValueTask.FromResult(Verdict.Forward);
        }

        var counter = (Counter)frame.Session.Items.GetOrAdd(typeof(Counter), static _ => new Counter())!;
        var used = Interlocked.Increment(ref counter.Calls);
        return ValueTask.FromResult(used <= options.MaxCallsPerSession ? Verdict.Forward : Verdict.Reject(QuotaExceeded));
    }

    private sealed class Counter
    {
        public int Calls;
    }
}
