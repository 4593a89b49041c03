using System.Buffers;
using System.Text;
using McpGateway.Core.Framing;
using NUnit.Framework;

namespace McpGateway.Tests.Framing;

[TestFixture]
internal sealed class JsonTextChecksTests
{
    [TestCase("plain ascii")]
    [TestCase("caf\u00e9 \u20ac \U0001F600 \u0800 \uFFFD \U0010FFFF")]
    [TestCase("\U0001F600\U0001F600\U0001F600")]
    [TestCase("")]
    public void IsValidUtf8_ValidTextInAnySegmentation_True(string text)
    {
        foreach ((string name, ReadOnlySequence<byte> sequence) in SegmentedSequence.Variants(Encoding.UTF8.GetBytes(text)))
        {
            Assert.That(JsonTextChecks.IsValidUtf8(sequence), Is.True, name);
        }
    }

    [TestCase(new byte[] { 0x61, 0xC0, 0xAF, 0x62 })]
    [TestCase(new byte[] { 0x61, 0xE0, 0x80, 0xAF })]
    [TestCase(new byte[] { 0xED, 0xA0, 0x80, 0x61 })]
    [TestCase(new byte[] { 0xF4, 0x90, 0x80, 0x80 })]
    [TestCase(new byte[] { 0x61, 0x62, 0xE2, 0x82 })]
    [TestCase(new byte[] { 0xF0, 0x9F, 0x98 })]
    [TestCase(new byte[] { 0xF0, 0x9F, 0x98, 0x61, 0x80 })]
    [TestCase(new byte[] { 0x80, 0x61 })]
    [TestCase(new byte[] { 0xC3, 0x41, 0x41, 0x41 })]
    [TestCase(new byte[] { 0xE2, 0x82, 0xAC, 0xAC })]
    [TestCase(new byte[] { 0xFF })]
    public void IsValidUtf8_InvalidSequenceInAnySegmentation_False(byte[] bytes)
    {
        foreach ((string name, ReadOnlySequence<byte> sequence) in SegmentedSequence.Variants(bytes))
        {
            Assert.That(JsonTextChecks.IsValidUtf8(sequence), Is.False, name);
        }
    }

    [TestCase(@"plain", true)]
    [TestCase(@"\n\t\""\\", true)]
    [TestCase(@"\uD83D\uDE00", true)]
    [TestCase(@"\ud83d\ude00 and \uDBFF\uDFFF", true)]
    [TestCase(@"\\uD800", true)]
    [TestCase(@"\\\\uDC00", true)]
    [TestCase(@"\\\uD83D\uDE00", true)]
    [TestCase(@"\u0041\u00e9\uFFFF", true)]
    [TestCase(@"\uD800", false)]
    [TestCase(@"\uDC00", false)]
    [TestCase(@"\\\uDC00", false)]
    [TestCase(@"x\uD800y", false)]
    [TestCase(@"\uD800\u0041", false)]
    [TestCase(@"\uD800\n", false)]
    [TestCase(@"\uD800\\uDC00", false)]
    [TestCase(@"\uDC00\uD800", false)]
    [TestCase(@"\uD83D\uDE00\uDE00", false)]
    public void SurrogateEscapesPaired_RawStringContent_TellsWhetherEverySurrogateIsPaired(string raw, bool paired)
    {
        Assert.That(JsonTextChecks.SurrogateEscapesPaired(Encoding.UTF8.GetBytes(raw)), Is.EqualTo(paired));
    }

    [TestCase("0", 0L)]
    [TestCase("-0", 0L)]
    [TestCase("42", 42L)]
    [TestCase("-9007199254740991", -9007199254740991L)]
    [TestCase("9007199254740991", 9007199254740991L)]
    public void TryParseSafeInteger_IntegerInRange_ReturnsIt(string token, long expected)
    {
        foreach ((string name, ReadOnlySequence<byte> sequence) in SegmentedSequence.Variants(Encoding.UTF8.GetBytes(token)))
        {
            bool parsed = JsonTextChecks.TryParseSafeInteger(sequence, out long value);

            Assert.That(parsed, Is.True, name);
            Assert.That(value, Is.EqualTo(expected), name);
        }
    }

    [TestCase("1.0")]
    [TestCase("1e3")]
    [TestCase("1E3")]
    [TestCase("10e-1")]
    [TestCase("9007199254740992")]
    [TestCase("-9007199254740992")]
    [TestCase("99999999999999999999")]
    [TestCase("")]
    public void TryParseSafeInteger_NotASafeIntegerToken_False(string token)
    {
        foreach ((string name, ReadOnlySequence<byte> sequence) in SegmentedSequence.Variants(Encoding.UTF8.GetBytes(token)))
        {
            Assert.That(JsonTextChecks.TryParseSafeInteger(sequence, out _), Is.False, name);
        }
    }
}
