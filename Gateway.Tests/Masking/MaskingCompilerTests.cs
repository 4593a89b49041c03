using McpGateway.Inspectors.Masking;

namespace McpGateway.Tests.Masking;

[TestFixture]
internal sealed class MaskingCompilerTests
{
    [Test]
    public void Compile_NoProfiles_DefaultWithEveryBuiltInButOptIn()
    {
        var errors = new List<string>();

        var settings = MaskingCompiler.Compile(new MaskingOptions(), errors);

        Assert.That(errors, Is.Empty);
        Assert.That(settings!.DefaultProfileName, Is.EqualTo("default"));
        Assert.That(settings.DefaultProfile.Detectors.Select(d => d.Kind), Does.Contain("aws_secret").And.Not.Contains("email"));
    }

    [Test]
    public void Compile_EveryMistake_ReportedAtOnce()
    {
        var options = new MaskingOptions { DefaultProfile = "missing" };
        var profile = new MaskProfileOptions { Base64 = "zip", Budget = TimeSpan.Zero };
        profile.Detectors.Add("aws");
        profile.Detectors.Add("nosuch");
        profile.Detectors.Add("email");
        profile.OptIn.Add("card");
        profile.Custom.Add(new CustomDetectorOptions { Name = "bad", Regex = "([a-z" });
        profile.Custom.Add(new CustomDetectorOptions { Name = "Bad Name", Regex = "x" });
        profile.Fields.Add(new FieldRuleOptions { Path = "result.password" });
        profile.Fields.Add(new FieldRuleOptions { Path = "$.a[0]" });
        profile.Partial.Add("iban");
        options.Profiles["p"] = profile;
        var errors = new List<string>();

        var settings = MaskingCompiler.Compile(options, errors);

        Assert.That(settings, Is.Null);
        Assert.That(errors, Has.Some.Contains("detectors[1]: no detector named 'nosuch'"));
        Assert.That(errors, Has.Some.Contains("detectors[2]: 'email' is opt-in"));
        Assert.That(errors, Has.Some.Contains("optIn[0]: 'card' is not opt-in"));
        Assert.That(errors, Has.Some.Contains("custom[0].regex: not a valid regular expression"));
        Assert.That(errors, Has.Some.Contains("custom[1].name"));
        Assert.That(errors, Has.Some.Contains("fields[0].path"));
        Assert.That(errors, Has.Some.Contains("fields[1].path"));
        Assert.That(errors, Has.Some.Contains("partial[0]: 'iban'"));
        Assert.That(errors, Has.Some.Contains("base64: 'zip'"));
        Assert.That(errors, Has.Some.Contains("budget: must be positive"));
        Assert.That(errors, Has.Some.Contains("defaultProfile: no profile named 'missing'"));
    }

    [Test]
    public void CompileRegex_Lookaround_FallsBackToBacktrackingWithTimeout()
    {
        var regex = MaskingCompiler.CompileRegex("(?<=id=)[0-9]+", out var error);

        Assert.That(error, Is.Null);
        Assert.That(regex!.MatchTimeout, Is.EqualTo(TimeSpan.FromMilliseconds(100)));
        Assert.That(regex.Options.HasFlag(System.Text.RegularExpressions.RegexOptions.NonBacktracking), Is.False);
        Assert.That(MaskingCompiler.CompileRegex("EMP-[0-9]+", out _)!.Options.HasFlag(System.Text.RegularExpressions.RegexOptions.NonBacktracking), Is.True);
    }
}
