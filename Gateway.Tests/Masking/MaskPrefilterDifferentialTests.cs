using System.Buffers;
using System.Runtime.Intrinsics.X86;
using System.Text;
using McpGateway.Inspectors.Masking;
using McpGateway.Tests.Framing;

namespace McpGateway.Tests.Masking;

/// <summary>
/// A differential test of the pre-filter's sieve (one pass that runs the exact checks only where evidence may start)
/// against the exact passes alone, on generated text: log lines, secrets and near misses of every shape and anchor,
/// runs of digits, spaces and hyphens of every length, escapes, capitals, full-width and other-script digits, placed at
/// random offsets so that they straddle the sieve's 64-byte blocks and the shape windows; each then mutated by up to
/// four byte edits, and read as one span, as one JSON string and in random segments. Fixed seed, bounded count. The sieve
/// must give the exact passes' answer every time.
/// </summary>
[TestFixture]
internal sealed class MaskPrefilterDifferentialTests
{
    private const int Inputs = 40_000;

    private static readonly string[] Pieces =
    [
        "2026-11-22T01:51:49.123Z INFO request 06691278-4373-ad57-9921-41495471 served /api/v1/orders/ORD-1000123 in 12ms ",
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 ", "lorem ipsum dolor sit amet ",
        "AKIAIOSFODNN7EXAMPLE", "akia", "ASIAY34FZKBOKMUTVV7A", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", "GHO_", "github_pat_11ABCDEFG0123456789_abc", "glpat-xY3mN8pQ2rS5tU7vW9zA",
        "xoxb-123456789012-1234", "https://hooks.slack.com/services/T00000000/B00000000/XXXX", "hooks\\/slack", "https:\\/\\/x",
        "sk_live_4eC39HqLyjWDarjtT1zdp7dc", "_LIVE_", "AIzaSyA-1234567890abcdefghijklmnopqrstu", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.Sfl",
        "-----BEGIN RSA PRIVATE KEY-----", "----BEGIN", "PASSWORD=Sup3rS3cret!;", "pwd", "passwor", "postgres://admin:pw@db",
        ":/", "\"data\"", "\"blob\"", "\"dat", "secret", "SeCrEt", "sec", "4111 1111 1111 1111", "4111-1111-1111-1111", "378282246310005",
        "4111111111111111", "4.111111111111111E+15", "4111111111111111.0", "123456789012", "1234567890123", "12 34 56 78 90 12 3",
        "2026-11-22 01:51:49", "DE89 3704 0044 0532 0130 00", "GB82WEST12345698765432", "GB82", "DE8", "123-45-6789",
        "12-345-6789", "123-456-789", "alice@example.com", "+1 415 555 2671", "\\u0041KIA", "\\u0034111", "\\u002d",
        "\\u0020", "\\u00e9", "\\uFF14", "\\ud835\\udfce", "\\u12", "\\uzzzz", "\\\\u0041", "\\n", "\\\"", "４１１１", "٤١١١",
        "é", "€", "\uD83D\uDE00", "Ａ", "ＩＢＡＮ", "0", "1", "-", " ", "u", "\\", "A", "Z", "@", "+",
    ];

    private static readonly byte[] EditBytes = "0123456789 -\\u\"AZaz@+/:_.eE"u8.ToArray().Concat(new byte[] { 0x80, 0xC3, 0xA9, 0xEF, 0xBC, 0x94, 0xFF, 0x00, 0x7F }).ToArray();

    private static IEnumerable<TestCaseData> Profiles()
    {
        yield return new TestCaseData(MaskingKit.Default).SetArgDisplayNames("default");
        yield return new TestCaseData(MaskingKit.Profile(p =>
        {
            p.OptIn.Add("email");
            p.OptIn.Add("phone");
        })).SetArgDisplayNames("email and phone");
        yield return new TestCaseData(MaskingKit.Profile(p =>
        {
            p.Detectors.Add("card");
            p.Detectors.Add("password");
            p.Fields.Add(new FieldRuleOptions { Path = "$.result.structuredContent.pin", Kind = "pin" });
            p.Base64 = "ignore";
        })).SetArgDisplayNames("card, password, a field rule, base64 ignored");
        yield return new TestCaseData(MaskingKit.Profile(p => p.Detectors.Add("iban"))).SetArgDisplayNames("iban alone");
    }

    [Test]
    public void Create_DefaultProfile_HasSieveWhereSupported()
    {
        Assert.That(MaskingKit.Default.Prefilter.HasSieve, Is.EqualTo(Avx512Vbmi.IsSupported && System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated));
    }

    [TestCaseSource(nameof(Profiles))]
    public void MayMatch_GeneratedAndMutatedText_SieveAnswersAsExactPasses(MaskProfile profile)
    {
        var sieved = profile.Prefilter;
        Assume.That(sieved.HasSieve, Is.True, "no AVX-512 VBMI here: the sieve is not used");
        var exact = MaskPrefilter.Create(profile.Detectors, profile.Fields, profile.Base64, sieve: false);
        Assert.That(exact.HasSieve, Is.False);

        var random = new Random(20261208);
        var (candidates, clean) = (0, 0);
        for (var n = 0; n < Inputs; n++)
        {
            var bytes = Generate(random);
            var expected = exact.MayMatchFrame(bytes);
            Assert.That(sieved.MayMatchFrame(bytes), Is.EqualTo(expected), () => $"input {n}, frame: {Show(bytes)}");
            Assert.That(sieved.MayMatchString(bytes), Is.EqualTo(exact.MayMatchString(bytes)), () => $"input {n}, string: {Show(bytes)}");
            var segments = Split(bytes, random);
            Assert.That(sieved.MayMatchFrame(segments), Is.EqualTo(exact.MayMatchFrame(segments)), () => $"input {n}, segmented: {Show(bytes)}");
            _ = expected ? candidates++ : clean++;
        }

        // Both answers are common, or the comparison proves little.
        Assert.That(candidates, Is.GreaterThan(Inputs / 10));
        Assert.That(clean, Is.GreaterThan(Inputs / 10));
        TestContext.Out.WriteLine($"{candidates} candidates, {clean} clean");
    }

    [TestCaseSource(nameof(Profiles))]
    public void MayMatchFrame_EvidenceAtEveryOffset_SieveAnswersAsExactPasses(MaskProfile profile)
    {
        var sieved = profile.Prefilter;
        Assume.That(sieved.HasSieve, Is.True, "no AVX-512 VBMI here: the sieve is not used");
        var exact = MaskPrefilter.Create(profile.Detectors, profile.Fields, profile.Base64, sieve: false);
        var filler = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("lorem ipsum dolor sit amet ", 20)));
        foreach (var piece in Pieces)
        {
            var evidence = Encoding.UTF8.GetBytes(piece);
            for (var offset = 0; offset < 200; offset++)
            {
                var bytes = filler[..offset].Concat(evidence).Concat(filler[..(300 - offset)]).ToArray();
                Assert.That(sieved.MayMatchFrame(bytes), Is.EqualTo(exact.MayMatchFrame(bytes)), $"{piece} at {offset}");
            }
        }
    }

    private static byte[] Generate(Random random)
    {
        var text = new StringBuilder();
        var length = random.Next(3) == 0 ? random.Next(1, 200) : random.Next(200, 2500);

        // Some inputs hold no piece of evidence by design, some a few, some many, so that both answers are common.
        var pieces = new[] { 0, 1, 12 }[random.Next(3)];
        while (text.Length < length)
        {
            switch (random.Next(100) < pieces ? 0 : random.Next(1, 6))
            {
                case 0:
                    text.Append(Pieces[random.Next(Pieces.Length)]);
                    break;
                case 1:
                    // Runs of digits with single spaces or hyphens, of every length around a card's and an SSN's.
                    var run = random.Next(5, 22);
                    for (var i = 0; i < run; i++)
                    {
                        text.Append(i > 0 && random.Next(4) == 0 ? (random.Next(2) == 0 ? ' ' : '-') : (char)('0' + random.Next(10)));
                    }

                    break;
                case 2:
                    // A UUID-like run of hex and hyphens.
                    for (var i = random.Next(1, 36); i > 0; i--)
                    {
                        text.Append(i % 5 == 0 ? '-' : "0123456789abcdef"[random.Next(16)]);
                    }

                    break;
                default:
                    var piece = Pieces[random.Next(3)];
                    text.Append(piece.AsSpan(0, random.Next(1, piece.Length + 1)));
                    break;
            }
        }

        var bytes = new List<byte>(Encoding.UTF8.GetBytes(text.ToString()));
        for (var edits = random.Next(5); edits > 0 && bytes.Count > 0; edits--)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(3))
            {
                case 0:
                    bytes[at] = EditBytes[random.Next(EditBytes.Length)];
                    break;
                case 1:
                    bytes.Insert(at, EditBytes[random.Next(EditBytes.Length)]);
                    break;
                default:
                    bytes.RemoveAt(at);
                    break;
            }
        }

        return [.. bytes];
    }

    private static ReadOnlySequence<byte> Split(byte[] bytes, Random random)
    {
        if (bytes.Length < 2)
        {
            return new ReadOnlySequence<byte>(bytes);
        }

        var cuts = Enumerable.Range(0, random.Next(1, 5)).Select(_ => random.Next(1, bytes.Length)).Append(0).Append(bytes.Length).Distinct().Order().ToList();
        return SegmentedSequence.FromChunks(cuts.Zip(cuts.Skip(1), (from, to) => bytes[from..to]));
    }

    private static string Show(byte[] bytes) => Convert.ToHexString(bytes);
}
