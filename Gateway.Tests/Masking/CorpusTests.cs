using System.Text.Json;
using System.Text.Json.Nodes;
using McpGateway.Core.Chain;
using McpGateway.Core.Framing;
using McpGateway.Tests.Infrastructure;

namespace McpGateway.Tests.Masking;

/// <summary>
/// The corpus in Corpus/: planted secrets in every carrier the upstream can use must not reach the client (raw bytes,
/// unescaped strings, decoded base64), the envelope must not change, and the benign corpus must stay (almost) untouched.
/// </summary>
[TestFixture]
internal sealed class CorpusTests
{
    private static string CorpusPath(string name) => Path.Combine(RepoPaths.Root, "Gateway.Tests", "Masking", "Corpus", name);

    private static IEnumerable<TestCaseData> Secrets() =>
        File.ReadLines(CorpusPath("secrets.jsonl")).Select(line => JsonNode.Parse(line)!.AsObject())
            .Select(entry => new TestCaseData(
                entry["frameText"]?.GetValue<string>() ?? entry["frame"]!.ToJsonString(),
                entry["secrets"]!.AsArray().Select(s => s!.GetValue<string>()).ToArray()).SetArgDisplayNames(entry["name"]!.GetValue<string>()));

    [TestCaseSource(nameof(Secrets))]
    public void Mask_PlantedSecrets_NoneReachesTheClient_EnvelopeUnchanged(string frameJson, string[] secrets)
    {
        var rig = new MaskingRig(MaskingRig.CorpusOptions());
        var frame = rig.Frame(frameJson);

        var (verdict, output) = rig.Run(frame);

        Assert.That(verdict.Kind, Is.EqualTo(VerdictKind.Replace));
        var strings = MaskingRig.Strings(output!).ToList();
        foreach (var secret in secrets)
        {
            Assert.That(output, Does.Not.Contain(secret), "raw bytes");
            Assert.That(strings.Where(s => s.Contains(secret, StringComparison.Ordinal)), Is.Empty, "unescaped or decoded");
        }

        var masked = rig.Frame(output!);
        Assert.That(masked.Envelope.Kind, Is.EqualTo(frame.Envelope.Kind));
        Assert.That(masked.Envelope.Id, Is.EqualTo(frame.Envelope.Id));
        Assert.That(masked.Envelope.Method, Is.EqualTo(frame.Envelope.Method));
    }

    [Test]
    public void Mask_SecretInStructuredContentAndTextTwin_SameLabel()
    {
        var rig = new MaskingRig(MaskingRig.CorpusOptions());
        const string frame = """{"jsonrpc":"2.0","id":3,"result":{"content":[{"type":"text","text":"{\"token\": \"ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789\"}"}],"structuredContent":{"token":"ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"}}}""";

        var (_, output) = rig.Run(rig.Frame(frame));

        var result = JsonNode.Parse(output!)!["result"]!;
        Assert.That(result["structuredContent"]!["token"]!.GetValue<string>(), Is.EqualTo("[MASKED:github_token:1]"));
        Assert.That(result["content"]![0]!["text"]!.GetValue<string>(), Is.EqualTo("{\"token\": \"[MASKED:github_token:1]\"}"));
    }

    [Test]
    public void Mask_SameSecretInTwoResponsesOfOneSession_SameLabel()
    {
        var rig = new MaskingRig(MaskingRig.CorpusOptions());

        var (_, first) = rig.Run(rig.Frame("""{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"sk_live_4eC39HqLyjWDarjtT1zdp7dc"}]}}"""));
        var (_, second) = rig.Run(rig.Frame("""{"jsonrpc":"2.0","id":2,"result":{"content":[{"type":"text","text":"again sk_live_4eC39HqLyjWDarjtT1zdp7dc"}]}}"""));

        Assert.That(first, Does.Contain("[MASKED:stripe_key:1]"));
        Assert.That(second, Does.Contain("again [MASKED:stripe_key:1]"));
    }

    [Test]
    public void Mask_BenignCorpus_FalsePositiveRateAtMostOnePercent()
    {
        var rig = new MaskingRig(MaskingRig.CorpusOptions());
        var lines = File.ReadAllLines(CorpusPath("benign.jsonl"));
        var changed = new List<string>();
        foreach (var line in lines)
        {
            var entry = JsonNode.Parse(line)!;
            var (verdict, output) = rig.Run(rig.Frame(entry["frame"]!.ToJsonString()));
            if (verdict.Kind != VerdictKind.Forward)
            {
                changed.Add($"{entry["name"]}: {output}");
            }
        }

        var rate = (double)changed.Count / lines.Length;
        TestContext.Out.WriteLine($"benign corpus: {changed.Count} of {lines.Length} messages changed ({rate:P2})");
        Assert.That(lines, Has.Length.GreaterThanOrEqualTo(400));
        Assert.That(rate, Is.LessThanOrEqualTo(0.01), string.Join("\n", changed));
    }
}
