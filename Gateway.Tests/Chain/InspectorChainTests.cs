using System.Buffers;
using System.Text;
using McpGateway.Core.Chain;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpGateway.Tests.Chain;

[TestFixture]
public sealed class InspectorChainTests
{
    private static InspectorChain Chain(params IFrameInspector[] inspectors) =>
        InspectorChainBuilder.Build(
            inspectors.Select(i => new InspectorRegistration(i.Name, ChainSlot.Middle, _ => i)),
            inspectors.Select(i => i.Name).ToArray(),
            new ServiceCollection().BuildServiceProvider(),
            NullLogger.Instance);

    private static McpFrame Frame(FrameDirection direction = FrameDirection.ClientToUpstream)
    {
        var frame = new McpFrame(new FakeSession(), direction);
        var payload = """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo"}}"""u8.ToArray();
        frame.Reset(new ReadOnlySequence<byte>(payload), new FrameEnvelope(MessageKind.Request, JsonRpcId.FromNumber(1), McpMethods.ToolsCall, true, "echo", JsonRpcId.None), null, null, 1);
        return frame;
    }

    [Test]
    [CancelAfter(5000)]
    public async Task RunAsync_AllForward_EveryInspectorSeesFrameInOrder(CancellationToken token)
    {
        var order = new List<string>();
        var a = new RecordingInspector("a", InspectedDirections.Both, f => { order.Add("a"); return ValueTask.FromResult(Verdict.Forward); });
        var b = new RecordingInspector("b", InspectedDirections.Both, f => { order.Add("b"); return ValueTask.FromResult(Verdict.Forward); });

        var outcome = await Chain(a, b).RunAsync(Frame(), 0, token);

        Assert.That(outcome.Verdict.Kind, Is.EqualTo(VerdictKind.Forward));
        Assert.That(order, Is.EqualTo(new[] { "a", "b" }));
    }

    [Test]
    [CancelAfter(5000)]
    public async Task RunAsync_Reject_StopsTheChainAndNamesTheInspector(CancellationToken token)
    {
        var blocker = new RecordingInspector("blocker", InspectedDirections.Both, _ => ValueTask.FromResult(Verdict.Reject(GatewayErrors.MethodNotFound)));
        var after = new RecordingInspector("after", InspectedDirections.Both);

        var outcome = await Chain(blocker, after).RunAsync(Frame(), 0, token);

        Assert.That(outcome.Verdict.Kind, Is.EqualTo(VerdictKind.Reject));
        Assert.That(outcome.InspectorName, Is.EqualTo("blocker"));
        Assert.That(after.Seen, Is.Empty);
    }

    [Test]
    [CancelAfter(5000)]
    public async Task RunAsync_Replace_LaterInspectorsSeeTheNewPayload(CancellationToken token)
    {
        var replacement = Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{}}}""");
        var replacer = new RecordingInspector("replacer", InspectedDirections.Both, _ => ValueTask.FromResult(Verdict.Replace(replacement)));
        string? seen = null;
        var reader = new RecordingInspector("reader", InspectedDirections.Both, f => { seen = Encoding.UTF8.GetString(f.Payload); return ValueTask.FromResult(Verdict.Forward); });
        var frame = Frame();

        var outcome = await Chain(replacer, reader).RunAsync(frame, 0, token);

        Assert.That(outcome.Verdict.Kind, Is.EqualTo(VerdictKind.Forward));
        Assert.That(seen, Does.Contain("arguments"));
        Assert.That(frame.IsReplaced, Is.True);
    }

    [Test]
    [CancelAfter(5000)]
    public async Task RunAsync_ReplaceChangesTheEnvelope_RejectedNamingTheReplacerAndLaterInspectorsSeeNothing(CancellationToken token)
    {
        var otherId = Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo"}}""");
        var otherTool = Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"rm"}}""");
        var after = new RecordingInspector("after", InspectedDirections.Both);

        var idOutcome = await Chain(new RecordingInspector("replacer", InspectedDirections.Both, _ => ValueTask.FromResult(Verdict.Replace(otherId))), after).RunAsync(Frame(), 0, token);
        var toolOutcome = await Chain(new RecordingInspector("async-replacer", InspectedDirections.Both, async _ => { await Task.Yield(); return Verdict.Replace(otherTool); }), after).RunAsync(Frame(), 0, token);

        Assert.Multiple(() =>
        {
            Assert.That((idOutcome.Verdict.Kind, idOutcome.Verdict.Error?.Reason, idOutcome.Verdict.Error?.Rule, idOutcome.InspectorName), Is.EqualTo((VerdictKind.Reject, "inspector_failed", "replacer", "replacer")));
            Assert.That((toolOutcome.Verdict.Kind, toolOutcome.Verdict.Error?.Rule), Is.EqualTo((VerdictKind.Reject, "async-replacer")));
            Assert.That(after.Seen, Is.Empty);
        });
    }

    [Test]
    [CancelAfter(5000)]
    public async Task RunAsync_HoldDecisionReplacesTheEnvelope_ResumedRunRejectsNamingTheHolder(CancellationToken token)
    {
        var holder = new RecordingInspector("holder", InspectedDirections.Both);
        var last = new RecordingInspector("last", InspectedDirections.Both);
        var chain = Chain(holder, last);
        var frame = Frame().Detach();
        frame.ReplacePayload(Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":1,"method":"ping"}"""));

        var resumed = await chain.RunAsync(frame, 1, token);

        Assert.That((resumed.Verdict.Kind, resumed.Verdict.Error?.Rule, resumed.InspectorName), Is.EqualTo((VerdictKind.Reject, "holder", "holder")));
        Assert.That(last.Seen, Is.Empty);
    }

    [Test]
    [CancelAfter(5000)]
    public async Task RunAsync_Hold_ReturnsTheIndexToResumeFrom(CancellationToken token)
    {
        var decision = new TaskCompletionSource<Verdict>();
        var first = new RecordingInspector("first", InspectedDirections.Both);
        var holder = new RecordingInspector("holder", InspectedDirections.Both, _ => ValueTask.FromResult(Verdict.Hold(decision.Task)));
        var last = new RecordingInspector("last", InspectedDirections.Both);
        var chain = Chain(first, holder, last);
        var frame = Frame();

        var outcome = await chain.RunAsync(frame, 0, token);
        Assert.That(outcome.Verdict.Kind, Is.EqualTo(VerdictKind.Hold));
        Assert.That(outcome.InspectorIndex, Is.EqualTo(1));
        Assert.That(last.Seen, Is.Empty);

        var resumed = await chain.RunAsync(frame.Detach(), outcome.InspectorIndex + 1, token);
        Assert.That(resumed.Verdict.Kind, Is.EqualTo(VerdictKind.Forward));
        Assert.That(last.Seen, Has.Count.EqualTo(1));
    }

    [Test]
    [CancelAfter(5000)]
    public async Task RunAsync_InspectorThrows_FrameIsWithheld(CancellationToken token)
    {
        var broken = new RecordingInspector("broken", InspectedDirections.Both, _ => throw new InvalidOperationException("boom"));
        var asyncBroken = new RecordingInspector("async-broken", InspectedDirections.Both, async _ => { await Task.Yield(); throw new InvalidOperationException("boom"); });

        var syncOutcome = await Chain(broken).RunAsync(Frame(), 0, token);
        var asyncOutcome = await Chain(asyncBroken).RunAsync(Frame(), 0, token);

        Assert.That(syncOutcome.Verdict.Error!.Reason, Is.EqualTo("inspector_failed"));
        Assert.That(syncOutcome.Verdict.Error.Rule, Is.EqualTo("broken"));
        Assert.That(asyncOutcome.Verdict.Error!.Rule, Is.EqualTo("async-broken"));
    }

    [Test]
    [CancelAfter(5000)]
    public async Task RunAsync_AsyncInspector_ContinuesWithTheRest(CancellationToken token)
    {
        var slow = new RecordingInspector("slow", InspectedDirections.Both, async _ => { await Task.Delay(10, token); return Verdict.Forward; });
        var after = new RecordingInspector("after", InspectedDirections.Both);

        var outcome = await Chain(slow, after).RunAsync(Frame(), 0, token);

        Assert.That(outcome.Verdict.Kind, Is.EqualTo(VerdictKind.Forward));
        Assert.That(after.Seen, Has.Count.EqualTo(1));
    }

    [Test]
    [CancelAfter(5000)]
    public async Task RunAsync_DirectionFilter_SkipsInspectorsOfTheOtherDirection(CancellationToken token)
    {
        var inbound = new RecordingInspector("inbound", InspectedDirections.ClientToUpstream);
        var outbound = new RecordingInspector("outbound", InspectedDirections.UpstreamToClient);
        var chain = Chain(inbound, outbound);

        await chain.RunAsync(Frame(FrameDirection.UpstreamToClient), 0, token);

        Assert.That(inbound.Seen, Is.Empty);
        Assert.That(outbound.Seen, Has.Count.EqualTo(1));
    }

    [Test]
    public void RunAsync_PassThroughInspectors_AllocateNothing()
    {
        var chain = Chain(new RecordingInspectorNoAlloc("a"), new RecordingInspectorNoAlloc("b"), new RecordingInspectorNoAlloc("c"));
        var frame = Frame();
        RunSynchronously(chain, frame);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            RunSynchronously(chain, frame);
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }

    private static void RunSynchronously(InspectorChain chain, McpFrame frame)
    {
        var pending = chain.RunAsync(frame, 0, CancellationToken.None);
        if (!pending.IsCompletedSuccessfully)
        {
            Assert.Fail("a chain of synchronous inspectors must complete synchronously");
        }
    }

    private sealed class RecordingInspectorNoAlloc(string name) : IFrameInspector
    {
        public string Name => name;

        public InspectedDirections Directions => InspectedDirections.Both;

        public ValueTask<Verdict> InspectAsync(McpFrame frame, CancellationToken cancellationToken) => default;
    }
}
