using System.Text.Json.Nodes;
using McpGateway.Core.Chain;
using McpGateway.Core.Hosting;
using NUnit.Framework;
using static McpGateway.Tests.Sessions.SessionFrames;

namespace McpGateway.Tests.Sessions;

/// <summary>What the outcome writer does with each verdict, driven through a session with one scripted inspector.</summary>
[TestFixture]
internal sealed class OutcomeWriterTests
{
    [Test]
    [CancelAfter(10000)]
    public async Task ApplyAsync_HeldThenForwarded_OtherFramesPassMeanwhileAndTheCallFollowsItsDecision(CancellationToken cancellationToken)
    {
        var decision = new TaskCompletionSource<Verdict>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var context = await StartAsync(_ => Verdict.Hold(decision.Task), cancellationToken);

        await context.Client.SendAsync(Call(2, "held"), cancellationToken);
        await context.Client.SendAsync(Ping(3), cancellationToken);
        var meanwhile = await context.Upstream.Forwarded.NextAsync(cancellationToken);
        decision.SetResult(Verdict.Forward);
        var released = await context.Upstream.Forwarded.NextAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(meanwhile, Is.EqualTo(Ping(3)), "a held call does not hold up the pump");
            Assert.That(released, Is.EqualTo(Call(2, "held")));
        });
    }

    [Test]
    [CancelAfter(10000)]
    public async Task ApplyAsync_HeldAndTheDecisionFails_RefusedAsInspectorFailedAndRecordedOnce(CancellationToken cancellationToken)
    {
        var decision = new TaskCompletionSource<Verdict>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var context = await StartAsync(_ => Verdict.Hold(decision.Task), cancellationToken);

        await context.Client.SendAsync(Call(2, "held"), cancellationToken);
        decision.SetException(new InvalidOperationException("approval store down"));
        var refused = JsonNode.Parse((await context.Client.Received.NextAsync(cancellationToken))!)!;
        await context.EndAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That((int?)refused["id"], Is.EqualTo(2));
            Assert.That((string?)refused["error"]?["data"]?["reason"], Is.EqualTo("inspector_failed"));
            Assert.That((string?)refused["error"]?["data"]?["rule"], Is.EqualTo("scripted"));
            Assert.That(context.Rig.Recorder.Records.Count(r => r == "rejected tools/call inspector_failed"), Is.EqualTo(1));
        });
    }

    [Test]
    [CancelAfter(10000)]
    public async Task ApplyAsync_HeldAndWithdrawn_NoAnswerAndRecordedAsWithdrawn(CancellationToken cancellationToken)
    {
        var decision = new TaskCompletionSource<Verdict>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var context = await StartAsync(_ => Verdict.Hold(decision.Task), cancellationToken);

        await context.Client.SendAsync(Call(2, "held"), cancellationToken);
        decision.SetCanceled(cancellationToken);
        await context.Client.SendAsync(Ping(3), cancellationToken);
        await context.Upstream.Forwarded.NextAsync(cancellationToken);
        await context.Upstream.SendAsync(Result(3), cancellationToken);
        var next = await context.Client.Received.NextAsync(cancellationToken);
        await context.EndAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(next, Is.EqualTo(Result(3)), "the withdrawn call got no answer");
            Assert.That(context.Rig.Recorder.Records.Count(r => r == "withdrawn tools/call"), Is.EqualTo(1));
        });
    }

    [Test]
    [CancelAfter(10000)]
    public async Task ApplyAsync_Respond_TheGatewayAnswersAndNothingIsForwarded(CancellationToken cancellationToken)
    {
        await using var context = await StartAsync(_ => Verdict.Respond("""{"content":[{"type":"text","text":"cached"}]}"""u8.ToArray()), cancellationToken);

        await context.Client.SendAsync(Call(2, "held"), cancellationToken);
        var answer = JsonNode.Parse((await context.Client.Received.NextAsync(cancellationToken))!)!;
        await context.Client.SendAsync(Ping(3), cancellationToken);
        var forwarded = await context.Upstream.Forwarded.NextAsync(cancellationToken);
        await context.EndAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That((int?)answer["id"], Is.EqualTo(2));
            Assert.That((string?)answer["result"]?["content"]?[0]?["text"], Is.EqualTo("cached"));
            Assert.That(forwarded, Is.EqualTo(Ping(3)));
            Assert.That(context.Rig.Recorder.Records.Count(r => r == "responded tools/call"), Is.EqualTo(1));
        });
    }

    /// <summary>A session past initialize whose chain has one inspector that decides every call of the tool <c>held</c>.</summary>
    private static async Task<Context> StartAsync(Func<McpFrame, Verdict> decide, CancellationToken cancellationToken)
    {
        var upstream = new PipeUpstream();
        var rig = new SessionRig(upstream, services => services.AddInspector("scripted", _ => new ScriptedInspector(decide)), ["scripted"]);
        var session = rig.NdjsonSession(out var client);
        var run = session.RunAsync(cancellationToken);
        await client.SendAsync(Authenticate, cancellationToken);
        await client.Received.NextAsync(cancellationToken);
        await GatewaySessionTests.InitializeAsync(client, upstream, cancellationToken);
        return new Context(rig, session, client, upstream, run);
    }

    private sealed record Context(SessionRig Rig, Core.Sessions.GatewaySession Session, PipeClient Client, PipeUpstream Upstream, Task Run) : IAsyncDisposable
    {
        public async Task EndAsync(CancellationToken cancellationToken)
        {
            await Client.CloseAsync();
            await Run.WaitAsync(cancellationToken);
        }

        public async ValueTask DisposeAsync()
        {
            await Client.CloseAsync();
            await Run;
            await Session.DisposeAsync();
            await Rig.DisposeAsync();
        }
    }

    private sealed class ScriptedInspector(Func<McpFrame, Verdict> decide) : IFrameInspector
    {
        public string Name => "scripted";

        public InspectedDirections Directions => InspectedDirections.ClientToUpstream;

        public ValueTask<Verdict> InspectAsync(McpFrame frame, CancellationToken cancellationToken) =>
            ValueTask.FromResult(frame.ToolName == "held" ? decide(frame) : Verdict.Forward);
    }
}
