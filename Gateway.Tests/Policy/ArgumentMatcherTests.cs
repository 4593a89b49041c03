using McpGateway.Inspectors.Policy;

namespace McpGateway.Tests.Policy;

/// <summary>Argument rules through the policy, for every action: what a lenient upstream would read is what the rule sees.</summary>
[TestFixture]
public sealed class ArgumentMatcherTests
{
    private const string Target = """
        { "default": "allow", "rules": [
          { "id": "no-prod", "action": "block", "match": { "tools": [ "deploy" ], "arguments": { "options.target": { "regex": "^prod$" } } } },
          { "id": "no-big", "action": "block", "match": { "tools": [ "pay" ], "arguments": { "amount": { "regex": "^[0-9]{6,}$" } } } },
          { "id": "approve-big", "action": "approve", "approverGroups": [ "dba" ], "match": { "tools": [ "transfer" ], "arguments": { "amount": { "regex": "^[0-9]{6,}$" } } } } ] }
        """;

    private const string AllowOnly = """
        { "default": "deny", "rules": [
          { "id": "staging-only", "action": "allow", "match": { "tools": [ "deploy" ], "arguments": { "options.target": { "regex": "^staging$" } } } },
          { "id": "small-only", "action": "allow", "match": { "tools": [ "pay" ], "arguments": { "amount": { "regex": "^[0-9]{1,3}$" } } } } ] }
        """;

    [TestCase("""{"options":{"target":"prod"}}""")]
    [TestCase("""{"options":"{\"target\":\"prod\"}"}""")]
    [TestCase("""{"options":" \n{\"target\":\"prod\"}"}""")]
    [TestCase("""{"options":"{\"target\":\"\\\"prod\\\"\",\"target\":\"prod\"}"}""")]
    [TestCase("""{"options":[{"target":"staging"},{"target":"prod"}]}""")]
    [TestCase("""{"options":"[{\"target\":\"prod\"}]"}""")]
    [TestCase("""{"options":{"target":["prod"]}}""")]
    [TestCase("""{"options":{"target":"[\"prod\"]"}}""")]
    [TestCase("""{"options":"{\"target\":\"[\\\"prod\\\"]\"}"}""")]
    [TestCase("\"{\\\"options\\\":{\\\"target\\\":\\\"prod\\\"}}\"")]
    public void Evaluate_PathReachesValueThroughJsonInStrings_Blocked(string arguments)
    {
        var decision = PolicyJson.Compile(Target).EvaluateCall(PolicyJson.Alice, "db", "deploy", arguments);

        Assert.That(decision.RuleId, Is.EqualTo("no-prod"), arguments);
    }

    [TestCase("""{"options":"{\"target\":\"prod\""}""")]
    [TestCase("""{"options":"[{\"target\":NaN}]"}""")]
    [TestCase("""{"options":{"target":"{not json"}}""")]
    public void Evaluate_LooksLikeJsonButIsNot_BlockFailsClosed(string arguments)
    {
        var decision = PolicyJson.Compile(Target).EvaluateCall(PolicyJson.Alice, "db", "deploy", arguments);

        Assert.That(decision.RuleId, Is.EqualTo("no-prod"));
    }

    [Test]
    public void Evaluate_JsonInStringsNestedTooDeep_BlockFailsClosed()
    {
        var options = "\"prod\"";
        for (var i = 0; i < ArgumentMatcher.MaxDepth; i++)
        {
            options = "[" + options + "]";
        }

        var arguments = "{\"options\":{\"target\":" + System.Text.Json.JsonSerializer.Serialize(options) + "}}";
        var decision = PolicyJson.Compile(Target).EvaluateCall(PolicyJson.Alice, "db", "deploy", arguments);

        Assert.That(decision.RuleId, Is.EqualTo("no-prod"));
    }

    [TestCase("""{"options":{"target":"staging"}}""")]
    [TestCase("""{"options":"{\"target\":\"staging\"}"}""")]
    [TestCase("""{"options":"target=prod"}""")]
    [TestCase("""{"options":{"target":"production"}}""")]
    [TestCase("""{"other":{"target":"prod"}}""")]
    public void Evaluate_NothingAtThePathMatches_Allowed(string arguments)
    {
        var decision = PolicyJson.Compile(Target).EvaluateCall(PolicyJson.Alice, "db", "deploy", arguments);

        Assert.That(decision.Action, Is.EqualTo(PolicyAction.Allow), decision.RuleId);
    }

    [TestCase("1000000")]
    [TestCase("1e6")]
    [TestCase("1E+6")]
    [TestCase("1000000.0")]
    [TestCase("10000000e-1")]
    [TestCase("\"1e6\"")]
    [TestCase("\" 1000000.00 \"")]
    [TestCase("\"[1e6]\"")]
    [TestCase("[5, 1e6]")]
    [TestCase("1e400")]
    [TestCase("999999.99999999999999")]
    public void Evaluate_LargeNumberAnySpelling_BlockAndApproveMatch(string amount)
    {
        var policy = PolicyJson.Compile(Target);

        Assert.That(policy.EvaluateCall(PolicyJson.Alice, "db", "pay", $$"""{"amount":{{amount}}}""").RuleId, Is.EqualTo("no-big"), amount);
        Assert.That(policy.EvaluateCall(PolicyJson.Alice, "db", "transfer", $$"""{"amount":{{amount}}}""").RuleId, Is.EqualTo("approve-big"), amount);
    }

    [TestCase("5")]
    [TestCase("-0")]
    [TestCase("99999.5")]
    [TestCase("-1000000")]
    public void Evaluate_SmallOrNegativeNumber_NotMatched(string amount)
    {
        var policy = PolicyJson.Compile(Target);

        Assert.That(policy.EvaluateCall(PolicyJson.Alice, "db", "pay", $$"""{"amount":{{amount}}}""").Action, Is.EqualTo(PolicyAction.Allow), amount);
    }

    [TestCase("""{"options":{"target":"staging"}}""")]
    [TestCase("""{"options":"{\"target\":\"staging\"}"}""")]
    [TestCase("""{"options":[{"target":"staging"},{"other":1}]}""")]
    public void Evaluate_AllowRuleEveryLeafMatches_Allowed(string arguments)
    {
        var decision = PolicyJson.Compile(AllowOnly).EvaluateCall(PolicyJson.Alice, "db", "deploy", arguments);

        Assert.That(decision.RuleId, Is.EqualTo("staging-only"));
    }

    [TestCase("""{"options":{"target":["staging","prod"]}}""")]
    [TestCase("""{"options":[{"target":"staging"},{"target":"prod"}]}""")]
    [TestCase("""{"options":"{\"target\":\"staging\",\"target\":\"prod\"}"}""")]
    [TestCase("""{"options":{"target":"[\"staging\",\"prod\"]"}}""")]
    [TestCase("""{"options":"{\"target\":\"staging\""}""")]
    [TestCase("""{"options":{"target":[]}}""")]
    [TestCase("""{"options":{}}""")]
    public void Evaluate_AllowRuleSomeLeafDiffersOrUnreadable_NotAllowed(string arguments)
    {
        var decision = PolicyJson.Compile(AllowOnly).EvaluateCall(PolicyJson.Alice, "db", "deploy", arguments);

        Assert.That(decision.Action, Is.EqualTo(PolicyAction.Block));
        Assert.That(decision.Error!.Reason, Is.EqualTo("not_allowed_by_default"));
    }

    [TestCase("5", true)]
    [TestCase("5.0", true)]
    [TestCase("5e0", true)]
    [TestCase("\"5\"", true)]
    [TestCase("\"5e3\"", false)]
    [TestCase("5e3", false)]
    [TestCase("1e400", false)]
    [TestCase("0.99999999999999999999", false)]
    public void Evaluate_AllowRuleOnNumber_EveryReadingMustMatch(string amount, bool allowed)
    {
        var decision = PolicyJson.Compile(AllowOnly).EvaluateCall(PolicyJson.Alice, "db", "pay", $$"""{"amount":{{amount}}}""");

        Assert.That(decision.Action == PolicyAction.Allow, Is.EqualTo(allowed), amount);
    }
}
