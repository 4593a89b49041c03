namespace McpGateway.Tests.Policy;

[TestFixture]
public sealed class PolicyCompilerTests
{
    [Test]
    public void Compile_SeveralMistakes_ReportsEveryOneAtOnce()
    {
        var errors = PolicyJson.Errors("""
            {
              "default": "maybe",
              "rules": [
                { "id": "", "action": "allow" },
                { "id": "a", "action": "allow", "match": { "connections": [ "nowhere" ] } },
                { "id": "a", "action": "block" },
                { "id": "b", "action": "permit" },
                { "id": "c", "action": "block", "match": { "tools": [ "q" ], "arguments": { "sql": { "regex": "(unclosed" } } } },
                { "id": "d", "action": "block", "match": { "tools": [ "q" ], "methods": [ "tools/call" ] } }
              ]
            }
            """);

        Assert.That(errors, Has.Some.Contains("policy.default: 'maybe'"));
        Assert.That(errors, Has.Some.Contains("policy.rules[0].id: required"));
        Assert.That(errors, Has.Some.Contains("no connection named 'nowhere'"));
        Assert.That(errors, Has.Some.Contains("'a' is used by an earlier rule"));
        Assert.That(errors, Has.Some.Contains("'permit' is not one of allow, block, approve"));
        Assert.That(errors, Has.Some.Contains("policy.rules[4] (c).match.arguments.sql.regex: not a valid regular expression"));
        Assert.That(errors, Has.Some.Contains("give either methods or tools"));
        Assert.That(errors, Has.Count.EqualTo(7));
    }

    [Test]
    public void Compile_NoDefault_DeniesByDefault()
    {
        Assert.That(PolicyJson.Compile("""{ "rules": [] }""").DefaultAction, Is.EqualTo(Inspectors.Policy.PolicyAction.Block));
    }

    [Test]
    public void Compile_BackreferencePattern_FallsBackToBacktrackingEngine()
    {
        var policy = PolicyJson.Compile("""
            { "rules": [ { "id": "r", "action": "block", "match": { "arguments": { "a": { "regex": "(x)\\1" } } } } ] }
            """);

        Assert.That(policy.EvaluateCall(PolicyJson.Alice, "db", "t", """{"a":"xx"}""").RuleId, Is.EqualTo("r"));
    }

    [Test]
    public void Compile_PinsIgnoreMistakes_Reported()
    {
        var errors = PolicyJson.Errors("""{ "pinsIgnore": [ "_meta..updatedAt", " " ] }""");

        Assert.That(errors, Has.Some.Contains("policy.pinsIgnore[0]: the path must be member names separated by dots"));
        Assert.That(errors, Has.Some.Contains("policy.pinsIgnore[1]: a name is required"));
        Assert.That(errors, Has.Some.Contains("policy.pinsIgnore: applies to tool pinning only"));
    }

    [Test]
    public void Compile_PinsIgnore_Kept()
    {
        var policy = PolicyJson.Compile("""{ "pins": "pins.json", "pinsIgnore": [ "_meta.updatedAt" ] }""");

        Assert.That(policy.PinsIgnore, Is.EqualTo(new[] { "_meta.updatedAt" }));
        Assert.That(policy.WithRevision(2).PinsIgnore, Is.EqualTo(new[] { "_meta.updatedAt" }));
    }
}
