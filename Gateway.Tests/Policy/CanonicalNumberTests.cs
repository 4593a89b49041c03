using McpGateway.Inspectors.Policy;

namespace McpGateway.Tests.Policy;

[TestFixture]
public sealed class CanonicalNumberTests
{
    [TestCase("1000000", "1000000")]
    [TestCase("1_000_000", "1000000")]
    [TestCase("\u00a01000000\u2003", "1000000")]
    [TestCase("0xF4240", "1000000")]
    [TestCase("0x_F_4240", "1000000")]
    [TestCase("-0x10", "-16")]
    [TestCase("0b1010", "10")]
    [TestCase("0o17", "15")]
    [TestCase("1e6", "1000000")]
    [TestCase("1E+6", "1000000")]
    [TestCase("1000000.0", "1000000")]
    [TestCase("10000000e-1", "1000000")]
    [TestCase("0.1e7", "1000000")]
    [TestCase("-0", "0")]
    [TestCase("-0.0e-5", "0")]
    [TestCase("0", "0")]
    [TestCase("-12.50", "-12.5")]
    [TestCase("1.5e-3", "0.0015")]
    [TestCase(" +007 ", "7")]
    [TestCase(".5", "0.5")]
    [TestCase("5.", "5")]
    public void TryRead_AnySpelling_OneCanonicalForm(string text, string expected)
    {
        var read = CanonicalNumber.TryRead(text, out var exact, out var asDouble, out var tooLong);

        Assert.That(read, Is.True);
        Assert.That(tooLong, Is.False);
        Assert.That(exact, Is.EqualTo(expected));
        Assert.That(asDouble, Is.Null, "the double holds the same value");
    }

    [TestCase("0.99999999999999999999", "0.99999999999999999999", "1")]
    [TestCase("12345678901234567890123", "12345678901234567890123", "12345678901234568000000")]
    public void TryRead_BeyondDoublePrecision_DoubleIsASecondForm(string text, string expected, string expectedDouble)
    {
        CanonicalNumber.TryRead(text, out var exact, out var asDouble, out _);

        Assert.That(exact, Is.EqualTo(expected));
        Assert.That(asDouble, Is.EqualTo(expectedDouble));
    }

    [TestCase("1e400")]
    [TestCase("1e999999999999999999999")]
    [TestCase("1e-999")]
    [TestCase("-1e309")]
    public void TryRead_HugeExponent_TooLong(string text)
    {
        var read = CanonicalNumber.TryRead(text, out _, out _, out var tooLong);

        Assert.That(read, Is.True);
        Assert.That(tooLong, Is.True);
    }

    [TestCase("")]
    [TestCase("abc")]
    [TestCase("1e")]
    [TestCase("1e+")]
    [TestCase("--1")]
    [TestCase("1.2.3")]
    [TestCase("0xZZ")]
    [TestCase("1__000")]
    [TestCase("_1000")]
    [TestCase("Infinity")]
    [TestCase("NaN")]
    [TestCase(".")]
    public void TryRead_NotANumber_False(string text)
    {
        Assert.That(CanonicalNumber.TryRead(text, out _, out _, out _), Is.False);
    }
}
