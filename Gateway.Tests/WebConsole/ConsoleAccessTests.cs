using McpGateway.Inspectors;
using System.Security.Claims;
using McpGateway.Core.Configuration;
using McpGateway.Inspectors.External;
using McpGateway.WebConsole.Access;

namespace McpGateway.Tests.WebConsole;

/// <summary>Who the console lets see what: the admin API's groups, read from the sign-in's claims in either form.</summary>
[TestFixture]
internal sealed class ConsoleAccessTests
{
    private static GatewaySettings Settings(string dir) => GatewayConfiguration.LoadFile(Write(dir));

    private static string Write(string directory)
    {
        var path = Path.Combine(directory, "gateway.json");
        File.WriteAllText(path, """
            { "listen": "127.0.0.1:7400", "allowPlaintext": true,
              "auth": { "mode": "oidc", "issuer": "https://idp.example", "audience": "api://mcp-gateway" },
              "admin": { "listen": "127.0.0.1:7401", "console": { "clientId": "c", "clientSecret": "s" } },
              "connections": { "tcp": { "transport": "tcp", "host": "127.0.0.1", "port": 9 } },
              "policy": { "default": "allow", "rules": [ { "id": "writes", "action": "approve", "approverGroups": [ "approvers" ], "match": { "tools": [ "write_file" ] } } ] },
              "audit": { "path": "audit.db", "auditorGroups": [ "auditors" ] } }
            """);
        return path;
    }

    private static ClaimsPrincipal Signed(params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value)), "test"));

    private string _directory = null!;
    private ConsoleAccess _access = null!;

    [OneTimeSetUp]
    public void Load()
    {
        _directory = Directory.CreateTempSubdirectory("mcpgw-console-access-").FullName;
        _access = new ConsoleAccess(Settings(_directory));
    }

    [OneTimeTearDown]
    public void Delete() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void Person_GroupsAsOneClaimEach_ApproverAndAuditor()
    {
        var person = _access.Person(Signed(("sub", "ann"), ("name", "Ann A."), ("groups", "approvers"), ("groups", "auditors")));

        Assert.That(person, Is.EqualTo(person! with { Subject = "ann", Name = "Ann A.", IsApprover = true, IsAuditor = true }));
        Assert.That(person.Groups, Is.EqualTo(new[] { "approvers", "auditors" }));
    }

    [Test]
    public void Person_GroupsAsOneSpaceSeparatedClaim_Read()
    {
        var person = _access.Person(Signed(("sub", "aud"), ("groups", "engineering auditors")))!;

        Assert.That((person.IsApprover, person.IsAuditor, person.Name), Is.EqualTo((false, true, "aud")));
    }

    [Test]
    public void Person_NoConsoleGroup_SignedInButSeesNothing()
    {
        var person = _access.Person(Signed(("sub", "nemo"), ("groups", "engineering")))!;

        Assert.That((person.SeesAnything, person.IsApprover, person.IsAuditor), Is.EqualTo((false, false, false)));
    }

    [Test]
    public void Person_NotSignedInOrNoSubject_Null()
    {
        Assert.That(_access.Person(new ClaimsPrincipal(new ClaimsIdentity())), Is.Null);
        Assert.That(_access.Person(Signed(("groups", "approvers"))), Is.Null);
        Assert.That(_access.Person(null), Is.Null);
    }
    [Test]
    public void Person_InAnInspectorsApproverGroupOnly_Approver()
    {
        // No policy rule names "reviewers": only the out-of-process inspector's approval does, as the gateway registers it.
        var path = Path.Combine(_directory, "inspector-approvers.json");
        File.WriteAllText(path, """
            { "listen": "127.0.0.1:7400", "allowPlaintext": true,
              "auth": { "mode": "oidc", "issuer": "https://idp.example", "audience": "api://mcp-gateway" },
              "admin": { "listen": "127.0.0.1:7401", "console": { "clientId": "c", "clientSecret": "s" } },
              "connections": { "tcp": { "transport": "tcp", "host": "127.0.0.1", "port": 9 } },
              "inspectors": [ "hold" ],
              "externalInspectors": { "hold": { "transport": "tcp", "address": "127.0.0.1:9", "approval": { "approverGroups": [ "reviewers" ] } } },
              "approvals": { "path": "approvals.db" } }
            """);
        var settings = GatewayConfiguration.LoadFile(path);
        var access = new ConsoleAccess(settings, sources: [.. ExternalInspectorValidator.Load(settings).Select(i => new ExternalApproverGroups(i))]);

        var reviewer = access.Person(Signed(("sub", "rita"), ("groups", "reviewers")))!;
        var other = access.Person(Signed(("sub", "otto"), ("groups", "approvers")))!;

        Assert.That((reviewer.IsApprover, other.IsApprover), Is.EqualTo((true, false)));
    }
}
