using System.Text.Json;
using McpGateway.Core.Configuration;
using McpGateway.Inspectors.Authentication;

namespace McpGateway.Tests.Authentication;

/// <summary>The rules a validly signed token must still pass: <c>iat</c> not in the future, a bounded lifetime, no groups overage.</summary>
[TestFixture]
internal sealed class TokenClaimRulesTests
{
    private static readonly DateTimeOffset _now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan _skew = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan _max = TimeSpan.FromHours(24);

    [TestCase(0, 300, null)]
    [TestCase(30, 300, null)]
    [TestCase(31, 300, "token_issued_in_future")]
    [TestCase(-3600, 86400 - 3600, null)]
    [TestCase(-3600, 86400 - 3599, "token_lifetime_too_long")]
    [TestCase(0, 30 * 86400, "token_lifetime_too_long")]
    public void CheckLifetime_IatAndExpRelativeToNow_Reason(int iatOffset, int expOffset, string? reason)
    {
        using var payload = Payload($$"""{ "iat": {{_now.AddSeconds(iatOffset).ToUnixTimeSeconds()}} }""");

        var refusal = TokenClaimRules.CheckLifetime(payload.RootElement, _now.AddSeconds(expOffset), _now, _skew, _max);

        Assert.That(refusal?.Reason, Is.EqualTo(reason));
    }

    [TestCase(3600, null)]
    [TestCase(86400, null)]
    [TestCase(86401, "token_lifetime_too_long")]
    public void CheckLifetime_NoIat_RemainingLifetimeBounded(int expOffset, string? reason)
    {
        using var payload = Payload("{}");

        var refusal = TokenClaimRules.CheckLifetime(payload.RootElement, _now.AddSeconds(expOffset), _now, _skew, _max);

        Assert.That(refusal?.Reason, Is.EqualTo(reason));
    }

    [TestCase("\"1700000000\"")]
    [TestCase("-5")]
    [TestCase("1e300")]
    [TestCase("null")]
    public void CheckLifetime_IatNotAPlausibleNumber_Malformed(string iat)
    {
        using var payload = Payload($$"""{ "iat": {{iat}} }""");

        var refusal = TokenClaimRules.CheckLifetime(payload.RootElement, _now.AddMinutes(5), _now, _skew, _max);

        Assert.That(refusal?.Reason, Is.EqualTo("malformed_token"));
    }

    [TestCase("""{ "groups": ["a"] }""", false)]
    [TestCase("""{ }""", false)]
    [TestCase("""{ "hasgroups": false }""", false)]
    [TestCase("""{ "hasgroups": true }""", true)]
    [TestCase("""{ "hasgroups": "true" }""", true)]
    [TestCase("""{ "_claim_names": { "groups": "src1" }, "_claim_sources": { "src1": { "endpoint": "https://graph.example/" } } }""", true)]
    [TestCase("""{ "groups": ["a"], "_claim_names": { "groups": "src1" } }""", true)]
    [TestCase("""{ "_claim_names": { "roles": "src1" } }""", false)]
    [TestCase("""{ "_claim_names": { "mcp_groups": "src1" } }""", true)]
    [TestCase("""{ "_claim_names": "groups" }""", true)]
    public void HasGroupsOverage_Payload_Detected(string json, bool expected)
    {
        using var payload = Payload(json);

        Assert.That(TokenClaimRules.HasGroupsOverage(payload.RootElement, "mcp_groups"), Is.EqualTo(expected));
    }

    [Test]
    public void Check_OverageIgnoredByConfiguration_Passes()
    {
        using var payload = Payload("""{ "hasgroups": true }""");
        var settings = new OidcSettings { Issuer = "https://idp.example", Audiences = ["api://x"], GroupsOverage = GroupsOverage.Ignore };

        Assert.That(TokenClaimRules.Check(payload.RootElement, _now.AddMinutes(5), _now, settings), Is.Null);
    }

    private static JsonDocument Payload(string json) => JsonDocument.Parse(json);
}
