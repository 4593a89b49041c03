using System.Text;
using McpGateway.Inspectors.Masking;
using McpGateway.Tests.Framing;

namespace McpGateway.Tests.Masking;

/// <summary>
/// The pre-filter may only skip text no detector or field rule would touch: every secret is still a candidate at every
/// offset, with any one character escaped, with slashes escaped, split at every segment boundary, inside base64, and
/// for custom regexes and field rules it cannot know anchors for. And the clean traffic it exists for stays cheap.
/// </summary>
[TestFixture]
internal sealed class MaskPrefilterTests
{
    private const string Filler = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore ";

    private static readonly string[] Secrets =
    [
        "AKIAIOSFODNN7EXAMPLE",
        "ASIAY34FZKBOKMUTVV7A",
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789",
        "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz",
        "glpat-xY3mN8pQ2rS5tU7vW9zA",
        "xoxb-123456789012-123456789012-abcdefghijklmnopqrstuvwx",
        "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
        "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
        "AIzaSyA-1234567890abcdefghijklmnopqrstu",
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7x\n-----END RSA PRIVATE KEY-----",
        "Server=db;PASSWORD=Sup3rS3cret!;",
        "postgres://admin:hunter2pass@db.example.com:5432/app",
        "4111 1111 1111 1111",
        "4111-1111-1111-1111",
        "378282246310005",
        "DE89 3704 0044 0532 0130 00",
        "GB82WEST12345698765432",
        "123-45-6789",
        "alice@example.com",
        "+1 415 555 2671",
    ];

    /// <summary>Every default detector plus email and phone: an enabled pre-filter (IP addresses would turn it off).</summary>
    private static readonly MaskProfile Profile = MaskingKit.Profile(p =>
    {
        p.OptIn.Add("email");
        p.OptIn.Add("phone");
    });

    [Test]
    public void Create_BuiltInDetectors_Enabled()
    {
        Assert.That(Profile.Prefilter.IsEnabled, Is.True);
        Assert.That(MaskingKit.Default.Prefilter.IsEnabled, Is.True);
    }

    [TestCaseSource(nameof(Secrets))]
    public void MayMatchString_SecretAtEveryOffset_Candidate(string secret)
    {
        Assert.That(MaskEngine.MaskText(secret, Profile, new MaskLabels()), Is.Not.Null, "the detectors find the secret by itself");
        for (var offset = 0; offset <= 130; offset++)
        {
            var text = (Filler + Filler)[..offset] + " " + secret + " " + Filler;
            Assert.That(Profile.Prefilter.MayMatchString(Raw(text)), Is.True, $"at offset {offset}");
        }

        Assert.That(Profile.Prefilter.MayMatchString(Raw(secret)), Is.True, "alone");
    }

    [TestCaseSource(nameof(Secrets))]
    public void Mask_SecretWithAnyOneCharacterEscaped_Masked(string secret)
    {
        for (var i = 0; i < secret.Length; i++)
        {
            var escaped = Escape(secret[..i]) + $"\\u{(int)secret[i]:x4}" + Escape(secret[(i + 1)..]);
            var masked = MaskingKit.MaskJson(Frame(escaped), Profile);

            Assert.That(masked, Is.Not.Null, $"character {i} escaped: {escaped}");
            Assert.That(MaskingRig.Strings(masked!), Has.None.Contains(secret));
        }
    }

    [TestCaseSource(nameof(Secrets))]
    public void Mask_SecretWhollyEscaped_Masked(string secret)
    {
        var escaped = string.Concat(secret.Select(c => $"\\u{(int)c:X4}"));

        var masked = MaskingKit.MaskJson(Frame(escaped), Profile);

        Assert.That(masked, Is.Not.Null);
        Assert.That(MaskingRig.Strings(masked!), Has.None.Contains(secret));
    }

    [TestCase("postgres:\\/\\/admin:hunter2pass@db.example.com:5432\\/app", "hunter2pass")]
    [TestCase("postgres:/\\/admin:hunter2pass@db.example.com:5432/app", "hunter2pass")]
    [TestCase("https:\\/\\/hooks.slack.com\\/services\\/T00000000\\/B00000000\\/XXXXXXXXXXXXXXXXXXXXXXXX", "XXXXXXXXXXXXXXXXXXXXXXXX")]
    public void Mask_SlashesWrittenEscaped_Masked(string escaped, string secret)
    {
        var masked = MaskingKit.MaskJson(Frame(escaped), Profile);

        Assert.That(masked, Is.Not.Null);
        Assert.That(MaskingRig.Strings(masked!), Has.None.Contains(secret));
    }

    [TestCaseSource(nameof(Secrets))]
    public void Mask_SecretSplitAtEverySegmentBoundary_Masked(string secret)
    {
        var frame = Encoding.UTF8.GetBytes(Frame(Escape(secret)));
        foreach (var (name, sequence) in SegmentedSequence.Variants(frame))
        {
            Assert.That(Profile.Prefilter.MayMatchFrame(sequence), Is.True, name);
            var masked = MaskEngine.Mask(sequence, Profile, new MaskLabels(), TimeProvider.System);
            Assert.That(masked, Is.Not.Null, name);
            Assert.That(MaskingRig.Strings(Encoding.UTF8.GetString(masked!)), Has.None.Contains(secret), name);
        }
    }

    [Test]
    public void Mask_SecretSplitAcrossSeveralShortSegments_Masked()
    {
        var frame = Encoding.UTF8.GetBytes(Frame("key AKIAIOSFODNN7EXAMPLE and card 4111 1111 1111 1111"));
        for (var size = 2; size <= 20; size++)
        {
            var sequence = SegmentedSequence.Chunked(frame, size);

            var masked = MaskEngine.Mask(sequence, Profile, new MaskLabels(), TimeProvider.System);

            Assert.That(masked, Is.Not.Null, $"segments of {size} bytes");
            Assert.That(Encoding.UTF8.GetString(masked!), Does.Not.Contain("AKIAIOSFODNN7EXAMPLE").And.Not.Contain("4111 1111 1111 1111"));
        }
    }

    [Test]
    public void MayMatchFrame_CleanLogLinesAndHarmlessEscapes_NotCandidate()
    {
        var text = new StringBuilder();
        for (var line = 0; line < 40; line++)
        {
            text.Append("2026-11-22T01:51:49.").Append(line).Append("Z INFO request ").Append(FixedGuid(line))
                .Append(" served /api/v1/orders/ORD-").Append(1000000 + line)
                .Append(" in 12ms sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 \\u003cok\\u003e \\u0027q\\u0027 caf\\u00e9\\n");
        }

        var frame = Encoding.UTF8.GetBytes(Frame(text.ToString()));

        foreach (var (name, sequence) in SegmentedSequence.Variants(frame, stride: 97))
        {
            Assert.That(Profile.Prefilter.MayMatchFrame(sequence), Is.False, name);
        }

        Assert.That(MaskEngine.Mask(frame, Profile, new MaskLabels(), TimeProvider.System), Is.Null);
    }

    [Test]
    public void MayMatchFrame_EscapedLetterAtEveryOffsetAndSplit_Candidate()
    {
        // The escapes are found in the shape pass's 64-byte windows: across each window's start, its 48-byte stride
        // and its end, in one segment and split anywhere.
        Assert.That(Profile.Prefilter.MayMatchFrame(Encoding.UTF8.GetBytes(Frame(Filler + Filler + Filler))), Is.False, "the filler alone");
        for (var offset = 0; offset <= 150; offset++)
        {
            var frame = Encoding.UTF8.GetBytes(Frame((Filler + Filler)[..offset] + "\\u0041" + Filler));

            Assert.That(Profile.Prefilter.MayMatchFrame(frame.AsSpan()), Is.True, $"at offset {offset}");
            Assert.That(Profile.Prefilter.MayMatchFrame(SegmentedSequence.Chunked(frame, 7)), Is.True, $"at offset {offset}, 7-byte segments");
        }
    }

    [Test]
    public void Mask_NoHitMultiSegmentFrame_AllocatesNothing()
    {
        var frame = Encoding.UTF8.GetBytes(Frame(string.Concat(Enumerable.Repeat("order ORD-1000001 shipped 2026-11-22 12:00:00\\n", 200))));
        var sequence = SegmentedSequence.Chunked(frame, 4096);
        var labels = new MaskLabels();
        for (var i = 0; i < 10; i++)
        {
            _ = MaskEngine.Mask(sequence, Profile, labels, TimeProvider.System);
        }

        var masked = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            masked += MaskEngine.Mask(sequence, Profile, labels, TimeProvider.System) is null ? 0 : 1;
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
        Assert.That(masked, Is.Zero);
    }

    [Test]
    public void Mask_CustomRegexDetector_PrefilterDisabledAndMatchMasked()
    {
        var profile = MaskingKit.Profile(p => p.Custom.Add(new CustomDetectorOptions { Name = "employee_id", Regex = "EMP-[0-9]{6}" }));

        var masked = MaskingKit.MaskJson(Frame("badge EMP-123456 issued"), profile);

        Assert.That(profile.Prefilter.IsEnabled, Is.False);
        Assert.That(masked, Does.Contain("badge [MASKED:employee_id:1] issued"));
    }

    [Test]
    public void Create_OptInIpAddresses_PrefilterDisabled()
    {
        var profile = MaskingKit.Profile(p => p.OptIn.Add("ip"));

        Assert.That(profile.Prefilter.IsEnabled, Is.False);
        Assert.That(MaskingKit.MaskJson(Frame("from 10.1.2.3 ok"), profile), Does.Contain("from [MASKED:ip:1] ok"));
    }

    [TestCase("{\"pin\":\"1234\"}")]
    [TestCase("{\"p\\u0069n\":\"1234\"}")]
    [TestCase("{\"other\":\"x\",\"pin\" : \"1234\"}")]
    public void Mask_FieldRuleValueWithoutAnyAnchor_Masked(string structured)
    {
        var profile = MaskingKit.Profile(p => p.Fields.Add(new FieldRuleOptions { Path = "$.result.structuredContent.pin", Kind = "pin" }));
        var frame = $$$"""{"jsonrpc":"2.0","id":1,"result":{"structuredContent":{{{structured}}}}}""";

        var masked = MaskingKit.MaskJson(frame, profile);

        Assert.That(profile.Prefilter.IsEnabled, Is.True);
        Assert.That(masked, Does.Contain("\"[MASKED:pin:1]\""));
        Assert.That(masked, Does.Not.Contain("1234"));
    }

    [Test]
    public void Mask_FieldRuleNameWithSlashWrittenEscaped_Masked()
    {
        var profile = MaskingKit.Profile(p => p.Fields.Add(new FieldRuleOptions { Path = "$.result.a/b", Kind = "secret_path" }));

        var masked = MaskingKit.MaskJson("""{"jsonrpc":"2.0","id":1,"result":{"a\/b":"1234"}}""", profile);

        Assert.That(masked, Is.EqualTo("""{"jsonrpc":"2.0","id":1,"result":{"a\/b":"[MASKED:secret_path:1]"}}"""));
    }

    [Test]
    public void Mask_FieldRuleOfWildcardsOnly_PrefilterDisabledAndValueMasked()
    {
        var profile = MaskingKit.Profile(p => p.Fields.Add(new FieldRuleOptions { Path = "$.*.*", Kind = "anything" }));

        var masked = MaskingKit.MaskJson("""{"jsonrpc":"2.0","id":1,"result":{"x":"1234"}}""", profile);

        Assert.That(profile.Prefilter.IsEnabled, Is.False);
        Assert.That(masked, Does.Contain("[MASKED:anything:1]"));
    }

    [TestCase("scan", true)]
    [TestCase("replace", true)]
    [TestCase("ignore", false)]
    public void Mask_Base64CarrierWithoutAnchorsInItsBytes_FollowsTheProfile(string mode, bool masked)
    {
        var profile = MaskingKit.Profile(p => p.Base64 = mode);
        var blob = Convert.ToBase64String(Encoding.UTF8.GetBytes("card 4111 1111 1111 1111 on file\n"));
        var frame = $$$"""{"jsonrpc":"2.0","id":1,"result":{"contents":[{"uri":"urn:a","blob":"{{{blob}}}"}]}}""";

        var output = MaskingKit.MaskJson(frame, profile);

        Assert.That(profile.Prefilter.MayMatchFrame(Encoding.UTF8.GetBytes(frame)), Is.EqualTo(masked));
        Assert.That(output is not null, Is.EqualTo(masked));
        if (masked)
        {
            Assert.That(MaskingRig.Strings(output!), Has.None.Contains("4111 1111 1111 1111"));
        }
    }

    /// <summary>
    /// A GUID that is the same in every run: a random one now and then holds a hyphenated run of decimal digits that
    /// passes the card checks where a segment boundary cuts off the digit before it (a seam may answer maybe).
    /// </summary>
    private static Guid FixedGuid(int seed)
    {
        var bytes = new byte[16];
        new Random(seed).NextBytes(bytes);
        return new Guid(bytes);
    }

    private static string Frame(string jsonStringContent) =>
        $$$"""{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"{{{jsonStringContent}}}"}]}}""";

    /// <summary>The text as a JSON string's content, escaped the way a relaxed serializer writes it.</summary>
    private static string Escape(string text)
    {
        var encoded = System.Text.Json.JsonEncodedText.Encode(text, System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
        return encoded.ToString();
    }

    private static byte[] Raw(string text) => Encoding.UTF8.GetBytes(Escape(text));
}
