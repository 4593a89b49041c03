using McpGateway.Core.Chain;
using McpGateway.Core.Framing;
using McpGateway.Testing;

namespace McpGateway.Tests.Testing;

/// <summary>The harness a platform team tests its inspector with: frames as the pump would hand them over.</summary>
[TestFixture]
internal sealed class InspectorHarnessTests
{
    private static readonly InspectorHarness Harness = new(new SeesEverything());

    [Test]
    public void ToolCall_Built_CarriesWhatTheEnvelopeScannerReads()
    {
        var frame = Harness.ToolCall("echo", """{"message":"hi"}""", id: 7);

        Assert.Multiple(() =>
        {
            Assert.That(frame.Kind, Is.EqualTo(MessageKind.Request));
            Assert.That(frame.Direction, Is.EqualTo(FrameDirection.ClientToUpstream));
            Assert.That(frame.Method, Is.EqualTo(McpMethods.ToolsCall));
            Assert.That(frame.ToolName, Is.EqualTo("echo"));
            Assert.That(frame.Id, Is.EqualTo(JsonRpcId.FromNumber(7)));
            Assert.That(frame.Session.Identity!.Subject, Is.EqualTo("test-user"));
        });
    }

    [Test]
    public void Response_Built_KnowsTheRequestItAnswers()
    {
        var frame = Harness.Response(3, """{"content":[]}""", McpMethods.ToolsCall, "echo");

        Assert.Multiple(() =>
        {
            Assert.That(frame.Kind, Is.EqualTo(MessageKind.Response));
            Assert.That(frame.Direction, Is.EqualTo(FrameDirection.UpstreamToClient));
            Assert.That((frame.Method, frame.ToolName), Is.EqualTo((McpMethods.ToolsCall, "echo")));
        });
    }

    [Test]
    public void NotificationErrorAndServerRequest_Built_EachOfItsKind()
    {
        var kinds = new[]
        {
            Harness.Notification("notifications/initialized").Kind,
            Harness.ErrorResponse(1, -32601, "Method not found", "tools/list").Kind,
            Harness.ServerRequest("sampling/createMessage", """{"messages":[]}""").Kind,
        };

        Assert.That(kinds, Is.EqualTo(new[] { MessageKind.Notification, MessageKind.ErrorResponse, MessageKind.Request }));
    }

    [Test]
    public void Frame_TheGatewayWouldRefuse_CannotBeBuilt()
    {
        Assert.That(
            () => Harness.Frame("""{"jsonrpc":"1.0","id":1,"method":"tools/list"}""", FrameDirection.ClientToUpstream),
            Throws.ArgumentException.With.Message.Contains("refuses this frame"));
    }

    [Test]
    [CancelAfter(5000)]
    public async Task InspectAsync_Frame_ReachesTheInspectorWithItsSession(CancellationToken cancellationToken)
    {
        var bob = InspectorHarness.NewSession("bob", ["admins"]);

        var verdict = await Harness.InspectAsync(Harness.Request("tools/list", null, session: bob), cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(verdict.Kind, Is.EqualTo(VerdictKind.Forward));
            Assert.That(bob.Items[typeof(SeesEverything)], Is.EqualTo("tools/list"));
        });
    }

    private sealed class SeesEverything : IFrameInspector
    {
        public string Name => "sees-everything";

        public InspectedDirections Directions => InspectedDirections.Both;

        public ValueTask<Verdict> InspectAsync(McpFrame frame, CancellationToken cancellationToken)
        {
            frame.Session.Items[typeof(SeesEverything)] = frame.Method;
            return ValueTask.FromResult(Verdict.Forward);
        }
    }
}
