using McpGateway.Host.Bridge;

namespace McpGateway.Tests.Bridge;

[TestFixture]
internal sealed class BridgeArgumentsTests
{
    private static BridgeOptions? Parse(out List<string> errors, params string[] args) => Parse(null, out errors, args);

    private static BridgeOptions? Parse(string? secretVariable, out List<string> errors, params string[] args) =>
        BridgeArguments.Parse(args, name => name == BridgeArguments.ClientSecretVariable ? secretVariable : null, out errors);

    [Test]
    public void Parse_TokenFile_GatewayAndConnection()
    {
        var options = Parse(out var errors, "--gateway", "127.0.0.1:7400", "--connection", "everything", "--token-file", "t.txt");

        Assert.Multiple(() =>
        {
            Assert.That(errors, Is.Empty);
            Assert.That(options?.Host, Is.EqualTo("127.0.0.1"));
            Assert.That(options?.Port, Is.EqualTo(7400));
            Assert.That(options?.TokenSource, Is.EqualTo(TokenSourceKind.File));
            Assert.That(options?.Tls, Is.False);
        });
    }

    [Test]
    public void Parse_Ipv6GatewayWithTlsAndClientCertificateOnly_IsCertificateOnly()
    {
        var options = Parse(out var errors, "--gateway", "[::1]:7400", "--connection", "c", "--tls", "--ca-file", "ca.pem", "--client-cert", "c.pem", "--client-key", "c.key");

        Assert.Multiple(() =>
        {
            Assert.That(errors, Is.Empty);
            Assert.That(options?.Host, Is.EqualTo("::1"));
            Assert.That(options?.TokenSource, Is.EqualTo(TokenSourceKind.ClientCertificateOnly));
        });
    }

    [Test]
    public void Parse_ClientCredentials_SecretFileOrVariableOrKey()
    {
        string[] common = ["--gateway", "gw.example.com:443", "--connection", "c", "--tls", "--issuer", "https://idp.example.com/oauth2/default", "--client-id", "agent"];

        var secretFile = Parse(out var e1, [.. common, "--client-secret-file", "secret"]);
        var secretVariable = Parse("s3cret", out var e2, common);
        var privateKeyJwt = Parse(out var e3, [.. common, "--client-key-file", "key.pem", "--client-key-id", "k1", "--scope", "mcp:tools", "--resource", "api://mcp-gateway"]);

        Assert.Multiple(() =>
        {
            Assert.That(e1.Concat(e2).Concat(e3), Is.Empty);
            Assert.That(secretFile?.TokenSource, Is.EqualTo(TokenSourceKind.ClientSecret));
            Assert.That(secretVariable?.TokenSource, Is.EqualTo(TokenSourceKind.ClientSecret));
            Assert.That(secretVariable?.ClientSecretFile, Is.Null);
            Assert.That(privateKeyJwt?.TokenSource, Is.EqualTo(TokenSourceKind.PrivateKeyJwt));
            Assert.That(privateKeyJwt?.Resource, Is.EqualTo("api://mcp-gateway"));
        });
    }

    [Test]
    public void Parse_SecretOnCommandLine_IsRefusedWithoutEchoingIt()
    {
        var options = Parse(out var errors, "--gateway", "127.0.0.1:1", "--connection", "c", "--issuer", "http://127.0.0.1:9", "--client-id", "a", "--client-secret", "hunter2");

        Assert.Multiple(() =>
        {
            Assert.That(options, Is.Null);
            Assert.That(errors, Has.Some.StartsWith("--client-secret: a secret is never taken from the command line"));
            Assert.That(string.Join("\n", errors), Does.Not.Contain("hunter2"));
        });
    }

    [Test]
    public void Parse_ManyMistakes_NamesEachOne()
    {
        var options = Parse(out var errors, "--gateway", "nohost", "--ca-file", "ca.pem", "--token-file", "t", "--token-command", "echo x", "--bogus");

        Assert.Multiple(() =>
        {
            Assert.That(options, Is.Null);
            Assert.That(errors, Has.Some.StartsWith("unexpected argument '--bogus'"));
            Assert.That(errors, Has.Some.StartsWith("--gateway: 'nohost'"));
            Assert.That(errors, Has.Some.StartsWith("--connection NAME is required"));
            Assert.That(errors, Has.Some.StartsWith("--ca-file needs --tls"));
            Assert.That(errors, Has.Some.StartsWith("give exactly one token source"));
        });
    }

    [Test]
    public void Parse_PlainHttpIssuerOffLoopback_IsRefused()
    {
        Parse("s", out var errors, "--gateway", "127.0.0.1:1", "--connection", "c", "--issuer", "http://idp.example.com", "--client-id", "a");

        Assert.That(errors, Has.One.Contains("plain http"));
    }

    [Test]
    public void Parse_NoTokenSourceAndNoClientCertificate_IsRefused()
    {
        Parse(out var errors, "--gateway", "127.0.0.1:1", "--connection", "c");

        Assert.That(errors, Has.One.StartsWith("a token source is required"));
    }
}
