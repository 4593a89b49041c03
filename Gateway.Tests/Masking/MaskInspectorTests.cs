using System.Text;
using McpGateway.Core.Chain;
using McpGateway.Core.Framing;
using McpGateway.Inspectors.Masking;

namespace McpGateway.Tests.Masking;

[TestFixture]
internal sealed class MaskInspectorTests
{
    private const string NoHit = """{"jsonrpc":"2.0","id":7,"result":{"content":[{"type":"text","text":"Created order ORD-4821 at 2026-11-22T01:51:49Z for 3f2504e0-4f89-11d3-9a0c-0305e82c3301"}]}}""";

    [Test]
    public void Inspect_NoHit_ForwardsTheOriginalBytes()
    {
        var rig = new MaskingRig(new MaskingOptions());
        var frame = rig.Frame(NoHit);

        var verdict = rig.Inspect(frame);

        Assert.That(verdict.Kind, Is.EqualTo(VerdictKind.Forward));
        Assert.That(frame.IsReplaced, Is.False);
    }

    [Test]
    public void Inspect_NoHit_AllocatesNothing()
    {
        var rig = new MaskingRig(new MaskingOptions());
        var frame = rig.Frame(NoHit);
        for (var i = 0; i < 10; i++)
        {
            _ = rig.Inspect(frame);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            _ = rig.Inspect(frame);
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }

    [TestCase("""{"jsonrpc":"2.0","id":"srv-1","method":"roots/list"}""")]
    [TestCase("""{"jsonrpc":"2.0","id":4111111111111112,"method":"ping"}""")]
    [TestCase("""{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"t","progress":1}}""")]
    public void Inspect_ServerMessageNoHit_EnvelopeCheckAllocatesNothing(string json)
    {
        var rig = new MaskingRig(new MaskingOptions());
        var frame = rig.Frame(json);
        for (var i = 0; i < 10; i++)
        {
            _ = rig.Inspect(frame);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            _ = rig.Inspect(frame);
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }

    [Test]
    public void Inspect_SecretInEnvelopeMembers_EnvelopeNeverAltered()
    {
        var rig = new MaskingRig(new MaskingOptions());
        var frame = rig.Frame("""{"jsonrpc":"2.0","id":"AKIAIOSFODNN7EXAMPLE","result":{"content":[{"type":"text","text":"AKIAIOSFODNN7EXAMPLE"}]}}""");

        var (verdict, output) = rig.Run(frame);

        Assert.That(verdict.Kind, Is.EqualTo(VerdictKind.Replace));
        Assert.That(output, Is.EqualTo("""{"jsonrpc":"2.0","id":"AKIAIOSFODNN7EXAMPLE","result":{"content":[{"type":"text","text":"[MASKED:aws_access_key:1]"}]}}"""));
    }

    [TestCase("""{"jsonrpc":"2.0","id":"AKIAIOSFODNN7EXAMPLE","method":"roots/list"}""")]
    [TestCase("""{"jsonrpc":"2.0","id":4111111111111111,"method":"roots/list"}""")]
    [TestCase("""{"jsonrpc":"2.0","id":"\uFF14\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11","method":"ping"}""")]
    [TestCase("""{"jsonrpc":"2.0","method":"notifications/AKIAIOSFODNN7EXAMPLE"}""")]
    public void Inspect_ServerMessageWithSecretInIdOrMethod_RefusedWithSecretInEnvelope(string json)
    {
        var rig = new MaskingRig(new MaskingOptions());

        var (verdict, _) = rig.Run(rig.Frame(json));

        Assert.That(verdict.Kind, Is.EqualTo(VerdictKind.Reject));
        Assert.That(verdict.Error!.Reason, Is.EqualTo("secret_in_envelope"));
    }

    [TestCase("""{"jsonrpc":"2.0","id":1,"result":"AKIAIOSFODNN7EXAMPLE"}""", """{"jsonrpc":"2.0","id":1,"result":"[MASKED:aws_access_key:1]"}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"result":4111111111111111}""", """{"jsonrpc":"2.0","id":1,"result":"[MASKED:card:1]"}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"result":{"n":-4111111111111111,"m":12}}""", """{"jsonrpc":"2.0","id":1,"result":{"n":"[MASKED:card:1]","m":12}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"result":{"n":41111111111111110e-1,"s":"4111 1111 1111 1111"}}""", """{"jsonrpc":"2.0","id":1,"result":{"n":"[MASKED:card:1]","s":"[MASKED:card:2]"}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"result":{"n":4.111111111111111E+15}}""", """{"jsonrpc":"2.0","id":1,"result":{"n":"[MASKED:card:1]"}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"result":{"n":4111111111111111.0}}""", """{"jsonrpc":"2.0","id":1,"result":{"n":"[MASKED:card:1]"}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"result":[41111111111111110e-1]}""", """{"jsonrpc":"2.0","id":1,"result":["[MASKED:card:1]"]}""")]
    public void Inspect_BareOrNumericValues_Masked(string json, string expected)
    {
        var rig = new MaskingRig(new MaskingOptions());

        var (verdict, output) = rig.Run(rig.Frame(json));

        Assert.That(verdict.Kind, Is.EqualTo(VerdictKind.Replace));
        Assert.That(output, Is.EqualTo(expected));
    }

    [TestCase("""{"jsonrpc":"2.0","id":1,"result":{"createdAt":1733580000000,"size":4111111111111112,"ratio":0.25}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":4111111111111111,"result":{}}""")]
    public void Inspect_NumbersThatAreNoSecret_Forwarded(string json)
    {
        var rig = new MaskingRig(new MaskingOptions());

        var (verdict, _) = rig.Run(rig.Frame(json));

        Assert.That(verdict.Kind, Is.EqualTo(VerdictKind.Forward));
    }

    [Test]
    public void Inspect_MaskedString_RestOfTheFrameByteForByte()
    {
        var rig = new MaskingRig(new MaskingOptions());
        const string json = """{"jsonrpc":"2.0","id":1,"result":{"a":"\u00e9\n","n":1.50e3,"s":"ssn 123-45-6789 \"q\"","z":[true,null]}}""";

        var (_, output) = rig.Run(rig.Frame(json));

        Assert.That(output, Is.EqualTo("""{"jsonrpc":"2.0","id":1,"result":{"a":"\u00e9\n","n":1.50e3,"s":"ssn [MASKED:ssn:1] \"q\"","z":[true,null]}}"""));
    }

    [Test]
    public void Inspect_FromTheClient_RequestsReachTheUpstreamUnmasked()
    {
        var rig = new MaskingRig(new MaskingOptions());
        var frame = rig.Frame("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"message":"AKIAIOSFODNN7EXAMPLE"}}}""", FrameDirection.ClientToUpstream);

        var verdict = rig.Inspect(frame);

        Assert.That(verdict.Kind, Is.EqualTo(VerdictKind.Forward));
        Assert.That(rig.Inspector.Directions, Is.EqualTo(InspectedDirections.UpstreamToClient));
    }

    [Test]
    public void Inspect_BudgetExceeded_RejectsWithMaskingFailed()
    {
        var rig = new MaskingRig(new MaskingOptions(), new SteppingTimeProvider());

        var verdict = rig.Inspect(rig.Frame(NoHit));

        Assert.That(verdict.Kind, Is.EqualTo(VerdictKind.Reject));
        Assert.That(verdict.Error!.Reason, Is.EqualTo("masking_failed"));
        Assert.That((int)verdict.Error.Code, Is.EqualTo(-31003));
    }

    [TestCase("scan", "[MASKED:stripe_key:1]")]
    [TestCase("replace", "[MASKED:base64:1]")]
    [TestCase("ignore", null)]
    public void Inspect_Base64Blob_FollowsTheProfile(string mode, string? expected)
    {
        var options = new MaskingOptions();
        options.Profiles["default"] = new MaskProfileOptions { Base64 = mode };
        var rig = new MaskingRig(options);
        var blob = Convert.ToBase64String(Encoding.UTF8.GetBytes("stripe=sk_live_4eC39HqLyjWDarjtT1zdp7dc\n"));

        var (verdict, output) = rig.Run(rig.Frame($$$"""{"jsonrpc":"2.0","id":1,"result":{"contents":[{"uri":"file:///a","blob":"{{{blob}}}"}]}}"""));

        if (expected is null)
        {
            Assert.That(verdict.Kind, Is.EqualTo(VerdictKind.Forward));
            return;
        }

        var value = MaskingRig.Strings(output!).ToList();
        Assert.That(value, Has.Some.Contains(expected));
    }

    [Test]
    public void Inspect_BinaryBase64_LeftAlone()
    {
        var rig = new MaskingRig(new MaskingOptions());
        var png = Convert.ToBase64String([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 1, 2, 3]);

        var (verdict, _) = rig.Run(rig.Frame($$$"""{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"image","mimeType":"image/png","data":"{{{png}}}"}]}}"""));

        Assert.That(verdict.Kind, Is.EqualTo(VerdictKind.Forward));
    }

    [Test]
    public void Inspect_FieldRuleWithWildcards_MasksTheWholeValue()
    {
        var options = new MaskingOptions();
        var profile = new MaskProfileOptions();
        profile.Fields.Add(new FieldRuleOptions { Path = "$.result.items[*].*.pin", Kind = "pin" });
        options.Profiles["default"] = profile;
        var rig = new MaskingRig(options);

        var (_, output) = rig.Run(rig.Frame("""{"jsonrpc":"2.0","id":1,"result":{"items":[{"a":{"pin":"1234"}},{"b":{"pin":"9876","other":"9876"}}],"pin":"5555"}}"""));

        Assert.That(output, Is.EqualTo("""{"jsonrpc":"2.0","id":1,"result":{"items":[{"a":{"pin":"[MASKED:pin:1]"}},{"b":{"pin":"[MASKED:pin:2]","other":"9876"}}],"pin":"5555"}}"""));
    }

    private sealed class SteppingTimeProvider : TimeProvider
    {
        private long _now;

        public override long GetTimestamp() => _now += TimestampFrequency;
    }
}
