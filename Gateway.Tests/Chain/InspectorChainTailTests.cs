using System.Buffers;
using McpGateway.Core.Chain;
using McpGateway.Core.Framing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpGateway.Tests.Chain;

/// <summary>The chain's tail: the masking end, where a frame the gateway makes itself enters (recording follows the chain, in the session).</summary>
[TestFixture]
internal sealed class InspectorChainTailTests
{
    private static InspectorChain Chain(params (RecordingInspector Inspector, ChainSlot Slot)[] inspectors) =>
        InspectorChainBuilder.Build(
            inspectors.Select(i => new InspectorRegistration(i.Inspector.Name, i.Slot, _ => i.Inspector)),
            inspectors.Where(i => i.Slot == ChainSlot.Middle).Select(i => i.Inspector.Name).ToArray(),
            new ServiceCollection().BuildServiceProvider(),
            NullLogger.Instance);

    private static McpFrame Notification(FrameDirection direction)
    {
        var payload = """{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":1,"progress":1}}"""u8.ToArray();
        return McpFrame.Generated(new FakeSession(), direction, FrameLimits.Default, payload, new FrameEnvelope(MessageKind.Notification, JsonRpcId.None, McpMethods.NotificationsProgress, true, null, JsonRpcId.None), 1);
    }

    [Test]
    public void TailFor_AllEndsConfigured_MaskingInEachDirectionItSees()
    {
        var chain = Chain(
            (new RecordingInspector("authentication", InspectedDirections.ClientToUpstream), ChainSlot.Authentication),
            (new RecordingInspector("policy", InspectedDirections.Both), ChainSlot.Policy),
            (new RecordingInspector("custom", InspectedDirections.Both), ChainSlot.Middle),
            (new RecordingInspector("masking", InspectedDirections.UpstreamToClient), ChainSlot.Masking));

        Assert.Multiple(() =>
        {
            Assert.That(chain.TailFor(FrameDirection.UpstreamToClient), Is.EqualTo(new[] { "masking" }));
            Assert.That(chain.TailFor(FrameDirection.ClientToUpstream), Is.Empty);
        });
    }

    [Test]
    public void TailFor_NoEndsConfigured_Empty()
    {
        var chain = Chain((new RecordingInspector("custom", InspectedDirections.Both), ChainSlot.Middle));

        Assert.That(chain.TailFor(FrameDirection.UpstreamToClient), Is.Empty);
    }

    [Test]
    [CancelAfter(5000)]
    public async Task RunTailAsync_GeneratedFrame_OnlyTheTailSeesIt(CancellationToken token)
    {
        var policy = new RecordingInspector("policy", InspectedDirections.Both);
        var custom = new RecordingInspector("custom", InspectedDirections.Both);
        var masking = new RecordingInspector("masking", InspectedDirections.Both);
        var chain = Chain((policy, ChainSlot.Policy), (custom, ChainSlot.Middle), (masking, ChainSlot.Masking));

        var outcome = await chain.RunTailAsync(Notification(FrameDirection.UpstreamToClient), token);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Verdict.Kind, Is.EqualTo(VerdictKind.Forward));
            Assert.That(policy.Seen.Concat(custom.Seen), Is.Empty, "no inspector of the middle sees, or can send, a frame the gateway made");
            Assert.That(masking.Seen, Is.EqualTo(new[] { "UpstreamToClient:notifications/progress" }));
        });
    }
}
