using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using McpGateway.Core.Configuration;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;

namespace McpGateway.Tests.Bridge;

/// <summary>
/// The bridge getting its tokens from a real OpenID provider (peers/oidc-provider.mjs) by the client-credentials
/// grant, with a client secret and with <c>private_key_jwt</c>, against a gateway validating them in mode oidc.
/// Tokens live 3 s, so every session here renews, and the renewal test runs well past the first expiry.
/// </summary>
[TestFixture]
internal sealed class BridgeOidcTests
{
    private const string RsaClient = "agent-jwt-rsa";
    private const string EcClient = "agent-jwt-ec";

    private OidcProvider _provider = null!;
    private GatewayHarness _gateway = null!;
    private string _directory = null!;
    private string _rsaKeyFile = null!;
    private string _ecKeyFile = null!;
    private string _strangerKeyFile = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        _directory = Directory.CreateTempSubdirectory("mcpgw-bridge-oidc-").FullName;
        using var rsa = RSA.Create(2048);
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var stranger = RSA.Create(2048);
        _rsaKeyFile = Write("rsa.key", rsa.ExportPkcs8PrivateKeyPem());
        _ecKeyFile = Write("ec.key", ec.ExportECPrivateKeyPem());
        _strangerKeyFile = Write("stranger.key", stranger.ExportPkcs8PrivateKeyPem());
        var jwtClients = new JsonArray(JwtClient(RsaClient, PublicJwk(rsa)), JwtClient(EcClient, PublicJwk(ec)));

        _provider = await OidcProvider.StartAsync(timeout.Token, new OidcProviderOptions { TokenLifetime = TimeSpan.FromSeconds(3), JwtClients = jwtClients.ToJsonString() });
        var settings = GatewayHarness.Settings(GatewayHarness.Everything()) with
        {
            AuthMode = AuthMode.Oidc,
            Oidc = _provider.Settings(),
            AllowPlaintext = true,
        };
        _gateway = await GatewayHarness.StartAsync(settings, timeout.Token);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _gateway.DisposeAsync();
        await _provider.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    private static JsonObject JwtClient(string id, JsonObject publicJwk) => new()
    {
        ["client_id"] = id,
        ["jwks"] = new JsonObject { ["keys"] = new JsonArray(publicJwk) },
        ["groups"] = new JsonArray("mcp-users", "services"),
    };

    private static JsonObject PublicJwk(RSA rsa)
    {
        var parameters = rsa.ExportParameters(false);
        return new() { ["kty"] = "RSA", ["use"] = "sig", ["n"] = Base64Url.EncodeToString(parameters.Modulus), ["e"] = Base64Url.EncodeToString(parameters.Exponent) };
    }

    private static JsonObject PublicJwk(ECDsa ec)
    {
        var parameters = ec.ExportParameters(false);
        return new() { ["kty"] = "EC", ["use"] = "sig", ["crv"] = "P-256", ["x"] = Base64Url.EncodeToString(parameters.Q.X), ["y"] = Base64Url.EncodeToString(parameters.Q.Y) };
    }

    private string[] Arguments(params string[] tokenSource) =>
        ["--gateway", string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{_gateway.Endpoint.Port}"), "--connection", "everything", "--issuer", _provider.Issuer, .. tokenSource];

    [Test]
    [CancelAfter(30000)]
    public async Task ClientSecretFile_CallsEchoAsTheClient(CancellationToken cancellationToken)
    {
        var secretFile = Write("secret-file", "alice-secret\n");
        var stderr = new ConcurrentQueue<string>();

        await using var client = await BridgeLauncher.ConnectSdkClientAsync(Arguments("--client-id", OidcProvider.Alice, "--client-secret-file", secretFile, "--scope", "mcp:tools"), stderr, cancellationToken);
        var echo = await BridgeLauncher.EchoAsync(client, "with a client secret", cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(echo, Is.EqualTo("Echo: with a client secret"));
            Assert.That(stderr, Has.Some.Contains($"Authenticated as {OidcProvider.Alice}"));
            Assert.That(stderr, Has.Some.Contains("client_secret_basic"));
            Assert.That(string.Join("\n", stderr), Does.Not.Contain("alice-secret").And.Not.Contain("eyJ"), "neither the secret nor a token is logged");
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task ClientSecretFromEnvironment_CallsEcho(CancellationToken cancellationToken)
    {
        var stderr = new ConcurrentQueue<string>();
        var environment = new Dictionary<string, string?> { ["MCPGW_CLIENT_SECRET"] = "admin-secret" };

        await using var client = await BridgeLauncher.ConnectSdkClientAsync(Arguments("--client-id", OidcProvider.Admin), stderr, cancellationToken, environment);
        var echo = await BridgeLauncher.EchoAsync(client, "secret from the environment", cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(echo, Is.EqualTo("Echo: secret from the environment"));
            Assert.That(stderr, Has.Some.Contains($"Authenticated as {OidcProvider.Admin}"));
        });
    }

    [TestCase(RsaClient, "rsa.key")]
    [TestCase(EcClient, "ec.key")]
    [CancelAfter(30000)]
    public async Task PrivateKeyJwt_SignedClientAssertion_CallsEcho(string clientId, string keyFile, CancellationToken cancellationToken)
    {
        var stderr = new ConcurrentQueue<string>();

        await using var client = await BridgeLauncher.ConnectSdkClientAsync(Arguments("--client-id", clientId, "--client-key-file", Path.Combine(_directory, keyFile)), stderr, cancellationToken);
        var echo = await BridgeLauncher.EchoAsync(client, "with private_key_jwt", cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(echo, Is.EqualTo("Echo: with private_key_jwt"));
            Assert.That(stderr, Has.Some.Contains($"Authenticated as {clientId}"));
            Assert.That(stderr, Has.Some.Contains("private_key_jwt"));
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task Renewal_ThreeSecondTokens_CallsKeepWorkingPastTheFirstExpiry(CancellationToken cancellationToken)
    {
        var secretFile = Write("alice-secret-renewal", "alice-secret");
        var stderr = new ConcurrentQueue<string>();
        await using var client = await BridgeLauncher.ConnectSdkClientAsync(Arguments("--client-id", OidcProvider.Alice, "--client-secret-file", secretFile), stderr, cancellationToken);

        var before = await BridgeLauncher.EchoAsync(client, "before", cancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(4.5), cancellationToken);
        var after = await BridgeLauncher.EchoAsync(client, "after the first token expired", cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(before, Is.EqualTo("Echo: before"));
            Assert.That(after, Is.EqualTo("Echo: after the first token expired"));
            Assert.That(stderr, Has.Some.Contains("Renewed: valid until"), string.Join("\n", stderr));
            Assert.That(stderr, Has.None.Contains("Renewal refused"));
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task WrongSecret_ExitsThreeNamingTheIdpError(CancellationToken cancellationToken)
    {
        var secretFile = Write("wrong-secret", "not-alices-secret");
        await using var bridge = BridgeLauncher.Start(null, Arguments("--client-id", OidcProvider.Alice, "--client-secret-file", secretFile));

        await bridge.WaitForExitAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(bridge.ExitCode, Is.EqualTo(3), bridge.Describe());
            Assert.That(bridge.StandardError, Does.Contain("refused the client credentials of 'agent-alice': invalid_client"));
            Assert.That(bridge.StandardError, Does.Not.Contain("not-alices-secret"));
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task PrivateKeyJwt_KeyTheIdpDoesNotKnow_ExitsThree(CancellationToken cancellationToken)
    {
        await using var bridge = BridgeLauncher.Start(null, Arguments("--client-id", RsaClient, "--client-key-file", _strangerKeyFile));

        await bridge.WaitForExitAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(bridge.ExitCode, Is.EqualTo(3), bridge.Describe());
            Assert.That(bridge.StandardError, Does.Contain("invalid_client"));
        });
    }
}
