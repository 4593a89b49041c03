using McpGateway.Inspectors.Approval;

namespace McpGateway.Tests.Approval;

/// <summary>How much of a held call's arguments its labels hide, as approvers are told and the desk enforces.</summary>
[TestFixture]
internal sealed class MaskedShareTests
{
    [Test]
    public void Of_LabelsWithLengths_HiddenAgainstShownCharacters()
    {
        const string Masked = """{"a":"[MASKED:aws_access_key:1 len=20]","b":"[MASKED:card:2 len=19] ok"}""";

        var share = MaskedShare.Of(Masked);

        Assert.That((share.HiddenChars, share.ShownChars), Is.EqualTo((39, Masked.Length - "[MASKED:aws_access_key:1 len=20]".Length - "[MASKED:card:2 len=19]".Length)));
    }

    [TestCase(null, 0.0)]
    [TestCase("""{"a":"plain"}""", 0.0)]
    [TestCase("\"[MASKED:masking_failed]\"", 1.0)]
    public void Of_NothingOrEverythingHidden_ShareAtTheEnds(string? masked, double expected)
    {
        Assert.That(MaskedShare.Of(masked).Share, Is.EqualTo(expected));
    }

    [Test]
    public void Of_RequesterWritesSomethingLikeALabel_OnlyAddsToTheHiddenShare()
    {
        var honest = MaskedShare.Of("""{"a":"[MASKED:card:1 len=19] and some visible text"}""");
        var forged = MaskedShare.Of("""{"a":"[MASKED:card:1 len=19] and [MASKED:x:1 len=900]"}""");

        Assert.That(forged.Share, Is.GreaterThan(honest.Share));
    }

    [Test]
    public void Of_ValueMostlyHiddenPaddedByAnotherArgument_ShareIsTheValues()
    {
        var padding = new string('p', 400);
        var share = MaskedShare.Of($$"""{"path":"{{padding}}","command":"rm -rf password=[MASKED:password:1 len=28 mac=0123abcd]"}""");

        Assert.Multiple(() =>
        {
            Assert.That(share.WholeShare, Is.LessThan(0.25));
            Assert.That(share.LargestValueShare, Is.EqualTo(28.0 / (28 + "rm -rf password=".Length)));
            Assert.That(share.Share, Is.EqualTo(share.LargestValueShare));
            Assert.That(share.NeedsReveal(0.25), Is.True);
        });
    }

    [Test]
    public void Of_ValuesInNestedObjectsAndArrays_LargestCounts()
    {
        var share = MaskedShare.Of("""{"a":"plain text that is shown","b":{"c":["x","[MASKED:card:1 len=19] ok"]}}""");

        Assert.That(share.LargestValueShare, Is.EqualTo(19.0 / (19 + 3)));
    }

    [Test]
    public void Of_EscapedLabelInAValue_ReadAsTheApproverSeesIt()
    {
        // A label in a value whose other text is escaped (a line break) is counted against the unescaped value.
        var share = MaskedShare.Of("""{"a":"\n[MASKED:password:1 len=10 mac=0123abcd]"}""");

        Assert.That(share.LargestValueShare, Is.EqualTo(10.0 / 11));
    }

    [Test]
    public void Of_SuspiciousLabel_NeedsRevealWhateverTheShare()
    {
        var text = new string('t', 500);
        var share = MaskedShare.Of($$"""{"command":"{{text}} git clone https://u:[MASKED:url_password:1 len=23 mac=0123abcd suspicious]@github.com/acme/x"}""");

        Assert.Multiple(() =>
        {
            Assert.That(share.Share, Is.LessThan(0.25));
            Assert.That(share.SuspiciousSpans, Is.EqualTo(1));
            Assert.That(share.NeedsReveal(0.25), Is.True);
            Assert.That(share.NeedsReveal(1), Is.True, "no share setting lets a suspicious span through");
        });
    }

    [Test]
    public void Of_PlainLabelsUnderTheShare_NoRevealNeeded()
    {
        var share = MaskedShare.Of("""{"note":"deploy with key [MASKED:aws_access_key:1 len=20 mac=0123abcd] to the staging account in eu-west-1 today, then tell the team in the release channel"}""");

        Assert.Multiple(() =>
        {
            Assert.That(share.SuspiciousSpans, Is.Zero);
            Assert.That(share.NeedsReveal(0.25), Is.False);
        });
    }

    [Test]
    public void Of_NotJson_ValueShareIsTheWholeTexts()
    {
        var share = MaskedShare.Of("not json [MASKED:card:1 len=19]");

        Assert.That(share.LargestValueShare, Is.EqualTo(share.WholeShare));
    }
}
