using System.Reflection;
using System.Text.RegularExpressions;
using McpGateway.Core.Sessions;
using McpGateway.Tests.Infrastructure;
using NUnit.Framework;

namespace McpGateway.Tests.Sessions;

/// <summary>
/// Recording is reached from one place: read from the sources, only <see cref="SessionRecording"/> calls the session
/// recorder (relayed frames included) or counts verdicts and refused sessions, and the rest of the session core reaches
/// it only through <see cref="SessionRecording.RecordAsync"/>, one <see cref="FrameOutcome"/> at a time. No inspector
/// records or hands a record over: the session's records are made by the recorder alone, which only the recording stage
/// holds.
/// </summary>
[TestFixture]
internal sealed partial class SessionRecordingReachTests
{
    private const string RecordingStageFile = "Sessions/SessionRecording.cs";

    private const string RecorderFile = "Recording/SessionRecorder.cs";

    private static string CoreDirectory => Path.Combine(RepoPaths.Root, "Gateway.Core");

    private static string InspectorsDirectory => Path.Combine(RepoPaths.Root, "Gateway.Inspectors");

    [Test]
    public void CoreSources_RecorderCalls_OnlyInTheRecordingStage()
    {
        var callers = Sources()
            .Where(s => RecorderCallPattern().IsMatch(s.Text))
            .Select(s => s.Path)
            .ToList();

        Assert.That(callers, Is.EqualTo(new[] { RecordingStageFile }));
    }

    [Test]
    public void CoreSources_Recorder_HeldOnlyByTheRecordingStage()
    {
        // The runtime carries the recorder from the host to the session, which gives it to its recording stage and to
        // nothing else; the stage's name is the one member others may read.
        var holders = Sources()
            .Where(s => RecorderTypePattern().IsMatch(s.Text))
            .Select(s => s.Path)
            .ToList();
        var readers = Sources()
            .Where(s => RecorderPropertyPattern().IsMatch(s.Text))
            .Select(s => s.Path)
            .ToList();

        Assert.Multiple(() =>
        {
            Assert.That(holders, Is.EqualTo(new[] { "Hosting/GatewayApplication.cs", "Recording/ISessionRecorder.cs", "Sessions/GatewayRuntime.cs", RecordingStageFile }));
            Assert.That(readers, Is.EqualTo(new[] { "Sessions/GatewaySession.cs" }));
        });
    }

    [Test]
    public void InspectorsSources_SessionRecords_MadeOnlyByTheRecorder()
    {
        var makers = Sources(InspectorsDirectory)
            .Where(s => SessionRecordKindPattern().IsMatch(s.Text))
            .Select(s => s.Path)
            .ToList();
        var holders = Sources(InspectorsDirectory)
            .Where(s => RecorderClassPattern().IsMatch(s.Text))
            .Select(s => s.Path)
            .ToList();

        Assert.Multiple(() =>
        {
            Assert.That(makers, Is.EqualTo(new[] { RecorderFile }), "only the recorder makes frame and session records");
            Assert.That(holders, Is.EqualTo(new[] { "BuiltInInspectors.cs", RecorderFile }), "the recorder is registered for the recording stage, and held by nothing else");
        });
    }

    [Test]
    public void Sources_NoInspectorHandsOverARecord()
    {
        var handovers = Sources().Concat(Sources(InspectorsDirectory))
            .SelectMany(s => HandoverPattern().Matches(s.Text).Select(m => $"{s.Path}: {m.Value}"))
            .ToList();

        Assert.That(handovers, Is.Empty);
    }

    [Test]
    public void SessionSources_OutcomeCounters_OnlyInTheRecordingStage()
    {
        var counters = Sources()
            .Where(s => s.Path.StartsWith("Sessions/", StringComparison.Ordinal) && s.Path != RecordingStageFile)
            .SelectMany(s => OutcomeCounterPattern().Matches(s.Text).Select(m => $"{s.Path}: {m.Value}"))
            .ToList();

        Assert.That(counters, Is.Empty);
    }

    [Test]
    public void CoreSources_RecordingStageMembers_OnlyRecordAsyncIsUsed()
    {
        var uses = Sources()
            .Where(s => s.Path != RecordingStageFile)
            .SelectMany(s => StageMemberPattern().Matches(s.Text).Select(m => m.Groups[1].Value))
            .ToList();

        Assert.Multiple(() =>
        {
            Assert.That(uses, Has.Count.GreaterThanOrEqualTo(20), "the scan found the session core's outcomes");
            Assert.That(uses.Distinct(), Is.EqualTo(new[] { nameof(SessionRecording.RecordAsync) }));
        });
    }

    [Test]
    public void SessionRecording_PublicMethods_OnlyRecordAsync()
    {
        var methods = typeof(SessionRecording).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
            .Where(m => !m.IsSpecialName)
            .Select(m => m.Name);

        Assert.That(methods, Is.EqualTo(new[] { nameof(SessionRecording.RecordAsync) }));
    }

    [Test]
    public void RecorderCallPattern_CallsAndLookalikes_MatchesOnlyTheCalls()
    {
        Assert.Multiple(() =>
        {
            Assert.That(RecorderCallPattern().IsMatch("recorder.NotForwardedAsync(session"), Is.True);
            Assert.That(RecorderCallPattern().IsMatch("recording.RelayedAsync(frame"), Is.True);
            Assert.That(RecorderTypePattern().IsMatch("ISessionRecorder? recorder = null,"), Is.True);
            Assert.That(RecorderTypePattern().IsMatch("errors.Add(ISessionRecorder.StageName);"), Is.False);
            Assert.That(RecorderPropertyPattern().IsMatch("new SessionRecording(this, runtime.Recorder, runtime.Metrics)"), Is.True);
            Assert.That(RecorderPropertyPattern().IsMatch("Recorder = recorder;"), Is.False);
            Assert.That(SessionRecordKindPattern().IsMatch("Kind = AuditEventKind.Frame,"), Is.True);
            Assert.That(SessionRecordKindPattern().IsMatch("FrameRecord(session, AuditEventKind.InvalidFrame, direction"), Is.True);
            Assert.That(SessionRecordKindPattern().IsMatch("r.Kind == AuditEventKind.SessionStart"), Is.False);
            Assert.That(SessionRecordKindPattern().IsMatch("Kind = AuditEventKind.InspectorVerdict,"), Is.False);
            Assert.That(RecorderClassPattern().IsMatch("sp.GetRequiredService<SessionRecorder>()"), Is.True);
            Assert.That(RecorderClassPattern().IsMatch("ISessionRecorder"), Is.False);
            Assert.That(HandoverPattern().IsMatch("frame.AwaitRecord(append.AsTask());"), Is.True);
            Assert.That(RecorderCallPattern().IsMatch("runtime.Recorder?.InvalidAsync(session"), Is.True);
            Assert.That(RecorderCallPattern().IsMatch("await OnInvalidAsync(envelope"), Is.False);
            Assert.That(StageMemberPattern().Match("session.Recording.NotRelayedAsync(frame").Groups[1].Value, Is.EqualTo("NotRelayedAsync"));
            Assert.That(StageMemberPattern().IsMatch("using McpGateway.Core.Recording.Audit;"), Is.False);
            Assert.That(OutcomeCounterPattern().IsMatch("_runtime.Metrics.Verdict(inspector"), Is.True);
            Assert.That(OutcomeCounterPattern().IsMatch("GatewayLog.SessionRefused(_runtime.Logger"), Is.False);
        });
    }

    /// <summary>Core's sources (or <paramref name="directory"/>'s), by path relative to it with forward slashes, build output left out.</summary>
    private static List<(string Path, string Text)> Sources(string? directory = null)
    {
        directory ??= CoreDirectory;
        var sources = Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(directory, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(p => !p.StartsWith("obj/", StringComparison.Ordinal) && !p.StartsWith("bin/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(p => (p, File.ReadAllText(Path.Combine(directory, p))))
            .ToList();
        Assert.That(sources.Select(s => s.Item1), Has.Member(directory == CoreDirectory ? RecordingStageFile : RecorderFile), "the scan found the sources");
        return sources;
    }

    /// <summary>A call of one of <c>ISessionRecorder</c>'s members.</summary>
    [GeneratedRegex(@"\.(?:RelayedAsync|SessionStartedAsync|SessionEndedAsync|NotForwardedAsync|InvalidAsync|AnsweredAsync|SessionRefusedAsync)\(")]
    private static partial Regex RecorderCallPattern();

    /// <summary>The recorder's interface, other than to read the recording stage's name.</summary>
    [GeneratedRegex(@"\bISessionRecorder\b(?!\.StageName)")]
    private static partial Regex RecorderTypePattern();

    /// <summary>Reading the runtime's recorder.</summary>
    [GeneratedRegex(@"\.Recorder\b")]
    private static partial Regex RecorderPropertyPattern();

    /// <summary>Making a record of a frame or of a session (not reading one: <c>==</c>).</summary>
    [GeneratedRegex(@"(?:\bKind\s*=\s*|[(,]\s*)AuditEventKind\.(?:Frame|InvalidFrame|SessionStart|SessionEnd|SessionRefused)\b")]
    private static partial Regex SessionRecordKindPattern();

    /// <summary>The recorder's class (not its interface).</summary>
    [GeneratedRegex(@"(?<!I)\bSessionRecorder\b")]
    private static partial Regex RecorderClassPattern();

    /// <summary>A record's commit handed from an inspector to the session core through the frame.</summary>
    [GeneratedRegex(@"\b(?:AwaitRecord|RecordCommitted)\b")]
    private static partial Regex HandoverPattern();

    /// <summary>Counting a verdict or a refused session: what the recording stage counts for the outcome it records.</summary>
    [GeneratedRegex(@"\bMetrics\.(?:Verdict|SessionRefused)\(", RegexOptions.IgnoreCase)]
    private static partial Regex OutcomeCounterPattern();

    /// <summary>A member of the session's recording stage (<c>session.Recording.X</c>), not the <c>Core.Recording</c> namespace.</summary>
    [GeneratedRegex(@"(?<![\w.]Core\.)\bRecording\.(\w+)")]
    private static partial Regex StageMemberPattern();
}
