using System.Reflection;
using System.Text.RegularExpressions;
using McpGateway.Core.Sessions;
using McpGateway.Tests.Infrastructure;
using NUnit.Framework;

namespace McpGateway.Tests.Sessions;

/// <summary>
/// Recording is reached from one place: read from the sources, only <see cref="SessionRecording"/> calls the session
/// recorder or counts verdicts and refused sessions, and the rest of the session core reaches it only through
/// <see cref="SessionRecording.RecordAsync"/>, one <see cref="FrameOutcome"/> at a time.
/// </summary>
[TestFixture]
internal sealed partial class SessionRecordingReachTests
{
    private const string RecordingStageFile = "Sessions/SessionRecording.cs";

    private static string CoreDirectory => Path.Combine(RepoPaths.Root, "Gateway.Core");

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
            Assert.That(RecorderCallPattern().IsMatch("runtime.Recorder?.InvalidAsync(session"), Is.True);
            Assert.That(RecorderCallPattern().IsMatch("await OnInvalidAsync(envelope"), Is.False);
            Assert.That(StageMemberPattern().Match("session.Recording.NotRelayedAsync(frame").Groups[1].Value, Is.EqualTo("NotRelayedAsync"));
            Assert.That(StageMemberPattern().IsMatch("using McpGateway.Core.Recording.Audit;"), Is.False);
            Assert.That(OutcomeCounterPattern().IsMatch("_runtime.Metrics.Verdict(inspector"), Is.True);
            Assert.That(OutcomeCounterPattern().IsMatch("GatewayLog.SessionRefused(_runtime.Logger"), Is.False);
        });
    }

    /// <summary>Core's sources, by path relative to Gateway.Core with forward slashes, build output left out.</summary>
    private static List<(string Path, string Text)> Sources()
    {
        var sources = Directory.EnumerateFiles(CoreDirectory, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(CoreDirectory, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(p => !p.StartsWith("obj/", StringComparison.Ordinal) && !p.StartsWith("bin/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(p => (p, File.ReadAllText(Path.Combine(CoreDirectory, p))))
            .ToList();
        Assert.That(sources.Select(s => s.Item1), Has.Member(RecordingStageFile), "the scan found the session core");
        return sources;
    }

    /// <summary>A call of one of <c>ISessionRecorder</c>'s members.</summary>
    [GeneratedRegex(@"\.(?:SessionStartedAsync|SessionEndedAsync|NotForwardedAsync|InvalidAsync|AnsweredAsync|SessionRefusedAsync)\(")]
    private static partial Regex RecorderCallPattern();

    /// <summary>Counting a verdict or a refused session: what the recording stage counts for the outcome it records.</summary>
    [GeneratedRegex(@"\bMetrics\.(?:Verdict|SessionRefused)\(", RegexOptions.IgnoreCase)]
    private static partial Regex OutcomeCounterPattern();

    /// <summary>A member of the session's recording stage (<c>session.Recording.X</c>), not the <c>Core.Recording</c> namespace.</summary>
    [GeneratedRegex(@"(?<![\w.]Core\.)\bRecording\.(\w+)")]
    private static partial Regex StageMemberPattern();
}
