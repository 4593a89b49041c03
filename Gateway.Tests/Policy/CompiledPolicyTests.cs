using McpGateway.Inspectors.Policy;

namespace McpGateway.Tests.Policy;

[TestFixture]
public sealed class CompiledPolicyTests
{
    private const string Database = """
        {
          "default": "deny",
          "rules": [
            { "id": "engineers-query", "action": "allow", "match": { "groups": [ "engineering" ], "connections": [ "db" ], "tools": [ "query" ] } },
            { "id": "no-drop", "action": "block", "reason": "destructive", "match": { "tools": [ "query", "execute" ],
              "arguments": { "sql": { "regex": "\\bDROP\\s+(DATABASE|TABLE)\\b", "ignoreCase": true } } } },
            { "id": "admins-anything", "action": "allow", "match": { "groups": [ "mcp-admins" ] } },
            { "id": "writes-need-approval", "action": "approve", "approverGroups": [ "dba" ], "match": { "tools": [ "write_*" ] } },
            { "id": "cli-lists", "action": "allow", "match": { "clientIds": [ "agent-cli" ], "methods": [ "resources/*" ] } },
            { "id": "alice-prompts", "action": "allow", "match": { "subjects": [ "alice" ], "methods": [ "prompts/get" ] } }
          ]
        }
        """;

    [Test]
    public void Evaluate_GroupAndToolMatch_Allows()
    {
        var decision = PolicyJson.Compile(Database).EvaluateCall(PolicyJson.Alice, "db", "query", """{"sql":"select 1"}""");

        Assert.That(decision.Action, Is.EqualTo(PolicyAction.Allow));
        Assert.That(decision.RuleId, Is.EqualTo("engineers-query"));
    }

    [Test]
    public void Evaluate_ArgumentMatchesBlock_BlockOverridesAllow()
    {
        var decision = PolicyJson.Compile(Database).EvaluateCall(PolicyJson.Alice, "db", "query", """{"sql":"drop table users"}""");

        Assert.That(decision.Action, Is.EqualTo(PolicyAction.Block));
        Assert.That(decision.RuleId, Is.EqualTo("no-drop"));
        Assert.That(decision.Error!.Reason, Is.EqualTo("blocked_by_policy"));
        Assert.That(decision.Error.Rule, Is.EqualTo("no-drop"));
    }

    [TestCase("""{"sql":"DR\u004fP TABLE users"}""")]
    [TestCase("""{"sql":"DROP\tTABLE users"}""")]
    [TestCase("""{"sql":["select 1","DROP TABLE users"]}""")]
    [TestCase("""{"sql":{"inner":"drop database x"}}""")]
    public void Evaluate_EscapedOrWrappedArgument_IsStillBlocked(string arguments)
    {
        var decision = PolicyJson.Compile(Database).EvaluateCall(PolicyJson.Admin, "db", "query", arguments);

        Assert.That(decision.Action, Is.EqualTo(PolicyAction.Block));
        Assert.That(decision.RuleId, Is.EqualTo("no-drop"));
    }

    [Test]
    public void Evaluate_ApproveAndAllowMatch_ApproveOverridesAllow()
    {
        var decision = PolicyJson.Compile(Database).EvaluateCall(PolicyJson.Admin, "db", "write_file");

        Assert.That(decision.Action, Is.EqualTo(PolicyAction.Approve));
        Assert.That(decision.Error!.Reason, Is.EqualTo("approval_required"));
        Assert.That(decision.RuleId, Is.EqualTo("writes-need-approval"));
    }

    [Test]
    public void Evaluate_BlockAndApproveMatch_BlockOverridesApprove()
    {
        var policy = PolicyJson.Compile("""
            { "rules": [
              { "id": "approve-all", "action": "approve", "approverGroups": [ "dba" ], "match": { "tools": [ "*" ] } },
              { "id": "block-rm", "action": "block", "match": { "tools": [ "rm" ] } } ] }
            """);

        Assert.That(policy.EvaluateCall(PolicyJson.Alice, "db", "rm").RuleId, Is.EqualTo("block-rm"));
        Assert.That(policy.EvaluateCall(PolicyJson.Alice, "db", "ls").RuleId, Is.EqualTo("approve-all"));
    }

    [Test]
    public void Evaluate_TwoAllowRules_FirstInFileNamesTheDecision()
    {
        var policy = PolicyJson.Compile("""
            { "rules": [
              { "id": "first", "action": "allow", "match": { "tools": [ "q*" ] } },
              { "id": "second", "action": "allow", "match": { "tools": [ "query" ] } } ] }
            """);

        Assert.That(policy.EvaluateCall(PolicyJson.Alice, "db", "query").RuleId, Is.EqualTo("first"));
    }

    [Test]
    public void Evaluate_NothingMatches_DefaultDenyRefusesWithoutRule()
    {
        var decision = PolicyJson.Compile(Database).EvaluateCall(PolicyJson.Nobody, "db", "query");

        Assert.That(decision.Action, Is.EqualTo(PolicyAction.Block));
        Assert.That(decision.Rule, Is.Null);
        Assert.That(decision.Error!.Reason, Is.EqualTo("not_allowed_by_default"));
    }

    [Test]
    public void Evaluate_NothingMatchesDefaultAllow_Allows()
    {
        var policy = PolicyJson.Compile("""{ "default": "allow", "rules": [ { "id": "b", "action": "block", "match": { "tools": [ "rm" ] } } ] }""");

        Assert.That(policy.EvaluateCall(PolicyJson.Nobody, "db", "ls").Action, Is.EqualTo(PolicyAction.Allow));
        Assert.That(policy.EvaluateCall(PolicyJson.Nobody, "db", "rm").Action, Is.EqualTo(PolicyAction.Block));
    }

    [Test]
    public void Evaluate_OtherConnection_ConnectionScopedRuleDoesNotApply()
    {
        var decision = PolicyJson.Compile(Database).EvaluateCall(PolicyJson.Alice, "files", "query");

        Assert.That(decision.Error!.Reason, Is.EqualTo("not_allowed_by_default"));
    }

    [Test]
    public void Evaluate_ToolNameOtherCase_ExactRuleDoesNotCoverIt()
    {
        var decision = PolicyJson.Compile(Database).EvaluateCall(PolicyJson.Alice, "db", "Query");

        Assert.That(decision.Rule, Is.Null, "tool names are case-sensitive: 'Query' is another tool");
    }

    [Test]
    public void Evaluate_MethodGlobAndClientId_Allows()
    {
        var policy = PolicyJson.Compile(Database);

        Assert.That(policy.EvaluateMethod(PolicyJson.Alice, "files", "resources/read").RuleId, Is.EqualTo("cli-lists"));
        Assert.That(policy.EvaluateMethod(PolicyJson.Nobody, "files", "resources/read").Action, Is.EqualTo(PolicyAction.Block));
    }

    [Test]
    public void Evaluate_Subject_Allows()
    {
        var policy = PolicyJson.Compile(Database);

        Assert.That(policy.EvaluateMethod(PolicyJson.Alice, "db", "prompts/get").RuleId, Is.EqualTo("alice-prompts"));
        Assert.That(policy.EvaluateMethod(PolicyJson.Admin, "db", "prompts/get").RuleId, Is.EqualTo("admins-anything"));
    }

    [TestCase("initialize")]
    [TestCase("notifications/initialized")]
    [TestCase("ping")]
    [TestCase("tools/list")]
    public void Evaluate_ProtocolPlumbing_AllowedByDefault(string method)
    {
        Assert.That(PolicyJson.Compile(Database).EvaluateMethod(PolicyJson.Nobody, "db", method).Action, Is.EqualTo(PolicyAction.Allow));
    }

    [Test]
    public void Evaluate_ServerToClient_NeedsRuleNamingTheMethod()
    {
        var policy = PolicyJson.Compile("""
            { "default": "allow", "rules": [
              { "id": "everything", "action": "allow", "match": { } },
              { "id": "db-sampling", "action": "allow", "match": { "connections": [ "db" ], "methods": [ "sampling/createMessage" ] } } ] }
            """);

        Assert.That(policy.EvaluateMethod(PolicyJson.Alice, "db", "sampling/createMessage", PolicyMode.ServerToClient).RuleId, Is.EqualTo("db-sampling"));
        Assert.That(policy.EvaluateMethod(PolicyJson.Alice, "files", "sampling/createMessage", PolicyMode.ServerToClient).Action, Is.EqualTo(PolicyAction.Block));
        Assert.That(policy.EvaluateMethod(PolicyJson.Alice, "db", "elicitation/create", PolicyMode.ServerToClient).Action, Is.EqualTo(PolicyAction.Block));
    }

    [Test]
    public void Evaluate_Visibility_ArgumentBlockDoesNotHideTool()
    {
        var policy = PolicyJson.Compile(Database);

        var decision = policy.Evaluate(PolicyJson.Alice, "db", "tools/call", "query", default, PolicyMode.Visibility);

        Assert.That(decision.Action, Is.EqualTo(PolicyAction.Allow));
    }

    [Test]
    public void Evaluate_CatastrophicPatternInBlock_FailsClosed()
    {
        var policy = PolicyJson.Compile("""
            { "default": "allow", "rules": [ { "id": "slow", "action": "block", "match": { "tools": [ "q" ],
              "arguments": { "sql": { "regex": "^(a+)+\\1$" } } } } ] }
            """);

        var decision = policy.EvaluateCall(PolicyJson.Alice, "db", "q", "{\"sql\":\"" + new string('a', 5000) + "!\"}");

        Assert.That(decision.Action, Is.EqualTo(PolicyAction.Block));
    }

    [Test]
    public void Evaluate_NestedArgumentPath_Matches()
    {
        var policy = PolicyJson.Compile("""
            { "default": "allow", "rules": [ { "id": "prod", "action": "block", "match": { "tools": [ "deploy" ],
              "arguments": { "target.env": { "regex": "^prod$" } } } } ] }
            """);

        Assert.That(policy.EvaluateCall(PolicyJson.Alice, "db", "deploy", """{"target":{"env":"prod"}}""").Action, Is.EqualTo(PolicyAction.Block));
        Assert.That(policy.EvaluateCall(PolicyJson.Alice, "db", "deploy", """{"target":{"env":"staging"}}""").Action, Is.EqualTo(PolicyAction.Allow));
        Assert.That(policy.EvaluateCall(PolicyJson.Alice, "db", "deploy", """{"env":"prod"}""").Action, Is.EqualTo(PolicyAction.Allow));
    }
}
