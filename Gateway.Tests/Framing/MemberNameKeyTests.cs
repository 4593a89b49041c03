using System.Text;
using McpGateway.Core.Framing;
using NUnit.Framework;

namespace McpGateway.Tests.Framing;

[TestFixture]
internal sealed class MemberNameKeyTests
{
    [TestCase("method", "Method")]
    [TestCase("jsonrpc", "JSONRPC")]
    [TestCase("params", "param\u017f")]
    [TestCase("k", "\u212a")]
    [TestCase("id", "\u0131d")]
    [TestCase("id", "\u0130D")]
    [TestCase("protocolVersion", "PROTOCOLVERSION")]
    [TestCase("protocolVersion", "protocolVer\u017fion")]
    [TestCase("sssssss", "\u017f\u017f\u017f\u017f\u017f\u017f\u017f")]
    [TestCase("ssssssss", "\u017f\u017f\u017f\u017f\u017f\u017f\u017f\u017f")]
    [TestCase("stra\u00dfe", "STRA\u00dfE")]
    [TestCase("\u03c3\u03c2", "\u03a3\u03a3")]
    [TestCase("\u2126", "\u03c9")]
    [TestCase("\U0001F600a", "\U0001F600A")]
    [TestCase("", "")]
    public void Of_NamesEqualUnderFolding_SameKey(string left, string right)
    {
        Assert.That(Key(left), Is.EqualTo(Key(right)));
    }

    [TestCase("a", "b")]
    [TestCase("ab", "ba")]
    [TestCase("a", "a\u0000")]
    [TestCase("", "\u0000")]
    [TestCase("@", "`")]
    [TestCase("[", "{")]
    [TestCase("^", "~")]
    [TestCase("ss", "\u00df")]
    [TestCase("fi", "\ufb01")]
    [TestCase("abcdefg", "abcdefgh")]
    [TestCase("abcdefgh", "abcdefgi")]
    [TestCase("name", "names")]
    [TestCase("\u00e9", "e")]
    public void Of_DifferentNames_DifferentKeys(string left, string right)
    {
        Assert.That(Key(left), Is.Not.EqualTo(Key(right)));
    }

    [Test]
    public void Id_IsTheKeyOfId()
    {
        Assert.That(MemberNameKey.Id, Is.EqualTo(Key("ID")));
    }

    [Test]
    public void ForObject_SameKeyInAnotherObject_Differs()
    {
        ulong key = Key("name");

        Assert.That(MemberNameKey.ForObject(key, 1), Is.Not.EqualTo(MemberNameKey.ForObject(key, 2)));
        Assert.That(MemberNameKey.ForObject(key, 1), Is.Not.EqualTo(MemberNameKey.ForObject(Key("other"), 1)));
        Assert.That(MemberNameKey.ForObject(key, 1), Is.EqualTo(MemberNameKey.ForObject(Key("NAME"), 1)));
    }

    private static ulong Key(string name) => MemberNameKey.Of(Encoding.UTF8.GetBytes(name));
}
