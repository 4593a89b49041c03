using System.Net;
using McpGateway.Core.Admin;
using McpGateway.Core.Configuration;
using McpGateway.Inspectors;
using McpGateway.Inspectors.Approval;

namespace McpGateway.Tests.Configuration;

/// <summary><c>approvals.webhook</c> and <c>admin.publicUrl</c>: valid values, every mistake with its path, and how approve links are formed.</summary>
[TestFixture]
internal sealed class ApprovalWebhookConfigurationTests
{
    private string _directory = null!;

    [OneTimeSetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("mcpgw-webhook-config-").FullName;

    [OneTimeTearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    private string Write(string name, string approvals, string admin = """{ "listen": "127.0.0.1:7401" }""")
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, $$"""
            { "listen": "127.0.0.1:7400", "allowPlaintext": true, "admin": {{admin}},
              "auth": { "mode": "oidc", "issuer": "https://idp.example/oauth2/default", "audience": "api://mcp-gateway" },
              "connections": { "tcp": { "transport": "tcp", "host": "127.0.0.1", "port": 9 } },
              "policy": { "default": "allow", "rules": [] },
              "approvals": {{approvals}} }
            """);
        return path;
    }

    [Test]
    public void LoadFile_WebhookAndPublicUrl_ProduceSettingsWithDefaultsAndHeaderSources()
    {
        File.WriteAllText(Path.Combine(_directory, "hook-token"), "t0ken\n");
        var path = Write("valid.json", """
            { "webhook": { "url": "https://hooks.slack.com/services/T1/B2/c3", "headers": { "Authorization": { "fromFile": "hook-token" } } } }
            """, """{ "listen": "0.0.0.0:7401", "allowRemote": true, "publicUrl": "https://gw.example.com/admin" }""");

        var settings = GatewayConfiguration.LoadFile(path);
        var webhook = settings.Approvals!.Webhook!;

        Assert.Multiple(() =>
        {
            Assert.That(webhook.Url, Is.EqualTo(new Uri("https://hooks.slack.com/services/T1/B2/c3")));
            Assert.That(webhook.Headers["authorization"].Resolve(), Is.EqualTo("t0ken"));
            Assert.That((webhook.Timeout, webhook.Retries), Is.EqualTo((ApprovalWebhookSettings.DefaultTimeout, ApprovalWebhookSettings.DefaultRetries)));
            Assert.That(settings.AdminPublicUrl, Is.EqualTo(new Uri("https://gw.example.com/admin")));
        });
    }

    [Test]
    public void LoadFile_WebhookMistakes_EachReportedWithItsPath()
    {
        var path = Write("broken.json", """
            { "webhook": { "url": "http://hooks.example.com/services/x", "headers": { "Content-Type": { "value": "text/plain" }, "X-Two": { "value": "a", "fromEnv": "B" } },
                           "timeout": "-00:00:01", "retries": 11 } }
            """, """{ "listen": "127.0.0.1:7401", "publicUrl": "gw.example.com" }""");

        var errors = Assert.Throws<InvalidConfigurationException>(() => GatewayConfiguration.LoadFile(path))!.Errors;

        Assert.Multiple(() =>
        {
            Assert.That(errors, Has.Some.StartsWith("approvals.webhook.url: plain http:// to 'hooks.example.com'"));
            Assert.That(errors, Has.Some.StartsWith("approvals.webhook.headers.Content-Type: set by the gateway's HTTP transport itself"));
            Assert.That(errors, Has.Some.StartsWith("approvals.webhook.headers.X-Two: exactly one of value, fromEnv, fromFile"));
            Assert.That(errors, Has.Some.StartsWith("approvals.webhook.timeout:"));
            Assert.That(errors, Has.Some.StartsWith("approvals.webhook.retries: 11 is not between 0 and 10"));
            Assert.That(errors, Has.Some.StartsWith("admin.publicUrl: 'gw.example.com' is not an absolute http:// or https:// URL"));
        });
    }

    [Test]
    public void LoadFile_WebhookUrlMissingOrNotHttpOrPlainHttpToLoopback_RequiredRefusedWithoutEchoOrAccepted()
    {
        var missing = Assert.Throws<InvalidConfigurationException>(() => GatewayConfiguration.LoadFile(Write("nourl.json", """{ "webhook": { "retries": 1 } }""")))!.Errors;
        var ftp = Assert.Throws<InvalidConfigurationException>(() => GatewayConfiguration.LoadFile(Write("ftp.json", """{ "webhook": { "url": "ftp://hooks.example.com/T0/xoxSecret" } }""")))!.Errors;
        var loopback = GatewayConfiguration.LoadFile(Write("loopback.json", """{ "webhook": { "url": "http://127.0.0.1:9000/hook", "retries": 0 } }"""));

        Assert.Multiple(() =>
        {
            Assert.That(missing, Has.Some.StartsWith("approvals.webhook.url: required"));
            Assert.That(ftp, Has.Some.EqualTo("approvals.webhook.url: the value is not an absolute http:// or https:// URL"), "the path may be a credential");
            Assert.That(loopback.Approvals!.Webhook!.Retries, Is.Zero);
        });
    }

    [TestCase("""{ "listen": "0.0.0.0:7401", "allowRemote": true }""", TestName = "LoadFile_RemoteAdminWithoutPublicUrl_RefusedTokensWouldTravelInClear")]
    [TestCase("""{ "listen": "0.0.0.0:7401", "allowRemote": true, "publicUrl": "http://gw.example.com/admin" }""", TestName = "LoadFile_RemoteAdminWithPlainHttpPublicUrl_RefusedTokensWouldTravelInClear")]
    public void LoadFile_RemoteAdminWithoutHttps(string admin)
    {
        var errors = Assert.Throws<InvalidConfigurationException>(() => GatewayConfiguration.LoadFile(Write("remote-" + admin.Length + ".json", "{ }", admin)))!.Errors;

        Assert.That(errors, Has.Some.StartsWith("admin.publicUrl: the admin API takes approvers' and auditors' bearer tokens"));
    }

    [TestCase("127.0.0.1", 7401, "http://127.0.0.1:7401/approvals/ab12")]
    [TestCase("::1", 7401, "http://[::1]:7401/approvals/ab12")]
    [TestCase("0.0.0.0", 7401, "http://gateway-host:7401/approvals/ab12")]
    public void AdminAddress_BoundEndpoint_LinkNamesTheRealAddress(string address, int port, string expected)
    {
        var admin = new AdminAddress(null, () => new IPEndPoint(IPAddress.Parse(address), port));
        var url = AdminAddress.Combine(AdminAddress.FromEndpoint(new IPEndPoint(IPAddress.Parse(address), port), "gateway-host")!, "approvals/ab12");

        Assert.Multiple(() =>
        {
            Assert.That(url, Is.EqualTo(new Uri(expected)));
            Assert.That(admin.Resolve("approvals/ab12")!.Port, Is.EqualTo(port));
        });
    }

    [Test]
    public void AdminAddress_PublicUrlWithPath_LinkKeepsItsPath()
    {
        var admin = new AdminAddress(new Uri("https://gw.example.com/admin"), () => new IPEndPoint(IPAddress.Loopback, 7401));

        Assert.That(admin.Resolve("approvals/ab12"), Is.EqualTo(new Uri("https://gw.example.com/admin/approvals/ab12")));
    }
}
