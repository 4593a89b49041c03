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
}
