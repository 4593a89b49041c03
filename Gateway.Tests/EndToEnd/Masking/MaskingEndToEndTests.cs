using System.Text;
using System.Text.Json.Nodes;
using McpGateway.Core.Configuration;
using McpGateway.Inspectors.Masking;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;

namespace McpGateway.Tests.EndToEnd.Masking;

/// <summary>
/// Real upstreams from npm: server-filesystem serving files with planted secrets, and server-everything echoing a
/// secret back. Not one planted secret may reach the client, nor the bytes of the audit store.
/// </summary>
[TestFixture]
internal sealed class MaskingEndToEndTests
{
    private static readonly string[] Planted =
    [
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789",
        "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
        "Sup3rS3cret!",
        "MIIEowIBAAKCAQEA7xQ2c3VwZXJzZWNyZXRrZXltYXRlcmlhbA",
        "4111 1111 1111 1111",
    ];

    private string _directory = null!;

    [SetUp]
    public void SetUp()
    {
        _directory = Directory.CreateTempSubdirectory("mcpgw-masking-").FullName;
        File.WriteAllText(Path.Combine(_directory, "app.env"), $"""
            AWS_ACCESS_KEY_ID={Planted[0]}
            AWS_SECRET_ACCESS_KEY={Planted[1]}
            GITHUB_TOKEN={Planted[2]}
            STRIPE_KEY={Planted[3]}
            DB=Server=db;User Id=app;Password={Planted[4]};
            CARD={Planted[6]}
            """);
        File.WriteAllText(Path.Combine(_directory, "id_rsa"), $"-----BEGIN RSA PRIVATE KEY-----\n{Planted[5]}\n-----END RSA PRIVATE KEY-----\n");
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    private GatewaySettings Settings(string? auditPath) => GatewayHarness.Settings(
            GatewayHarness.Everything(),
            new StdioConnectionSettings { Name = "files", Command = "node", Args = [RepoPaths.ServerFilesystemJs, _directory] }) with
    {
        Features = FeatureSettings.Of(MaskingCompiler.Compile(new MaskingOptions(), [])!),
        Audit = auditPath is null ? null : new AuditSettings(auditPath, AuditSettings.DefaultQueueCapacity, AuditSettings.DefaultEnqueueTimeout),
    };

    [Test]
    [CancelAfter(60_000)]
    public async Task ReadTextFile_PlantedSecrets_NoneReachesTheClient(CancellationToken token)
    {
        await using var gateway = await GatewayHarness.StartAsync(Settings(null), token);
        await using var client = await gateway.ConnectAsync("files", token);
        await client.InitializeAsync(token);

        var output = new StringBuilder();
        foreach (var (id, file) in new[] { (2, "app.env"), (3, "id_rsa") })
        {
            var response = await client.RequestAsync(id, "tools/call", new JsonObject { ["name"] = "read_text_file", ["arguments"] = new JsonObject { ["path"] = Path.Combine(_directory, file) } }, token);
            Assert.That(response["result"], Is.Not.Null, response.ToJsonString());
            output.Append(response.ToJsonString());
        }

        Assert.That(output.ToString(), Does.Contain("[MASKED:aws_access_key:1]").And.Contain("[MASKED:private_key:1]"));
        Assert.That(Planted.Where(s => output.ToString().Contains(s, StringComparison.Ordinal) || output.ToString().Contains(s.Replace("/", "\\/", StringComparison.Ordinal), StringComparison.Ordinal)), Is.Empty);
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task Echo_MaskingExceedsItsMatchTimeout_ResponseWithheldWithMaskingFailed_SessionGoesOn(CancellationToken token)
    {
        // A custom detector that needs the backtracking engine (a lookahead) and backtracks exponentially on a run of
        // a's: its 100 ms match timeout fires, so masking the echo fails and the response must not be delivered.
        var options = new MaskingOptions();
        // A generous budget, so that only the regex's own timeout decides, however loaded the machine is.
        var profile = new MaskProfileOptions { Budget = TimeSpan.FromSeconds(30) };
        profile.Custom.Add(new CustomDetectorOptions { Name = "slow", Regex = "(a+)+(?=b)" });
        options.Profiles["default"] = profile;
        var settings = Settings(null).WithFeature(MaskingCompiler.Compile(options, [])!);
        await using var gateway = await GatewayHarness.StartAsync(settings, token);
        await using var client = await gateway.ConnectAsync("everything", token);
        await client.InitializeAsync(token);

        var withheld = await client.RequestAsync(20, "tools/call", new JsonObject { ["name"] = "echo", ["arguments"] = new JsonObject { ["message"] = $"{Planted[0]} {new string('a', 40)}!" } }, token);
        var after = await client.RequestAsync(21, "tools/call", new JsonObject { ["name"] = "echo", ["arguments"] = new JsonObject { ["message"] = $"again {Planted[0]}" } }, token);

        Assert.That(withheld["id"]!.GetValue<int>(), Is.EqualTo(20));
        Assert.That(withheld["result"], Is.Null, withheld.ToJsonString());
        Assert.That(withheld["error"]!["code"]!.GetValue<int>(), Is.EqualTo(-31003));
        Assert.That(withheld["error"]!["data"]!["reason"]!.GetValue<string>(), Is.EqualTo("masking_failed"));
        Assert.That(withheld.ToJsonString(), Does.Not.Contain(Planted[0]));
        Assert.That(after["result"], Is.Not.Null, after.ToJsonString());
        Assert.That(after.ToJsonString(), Does.Contain("again").And.Not.Contain(Planted[0]));
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task Echo_SecretSentByTheClient_ComesBackMasked_AuditStoreHoldsNoSecret(CancellationToken token)
    {
        var audit = Path.Combine(_directory, "audit.db");
        var output = new StringBuilder();
        await using (var gateway = await GatewayHarness.StartAsync(Settings(audit), token))
        {
            await using var client = await gateway.ConnectAsync("everything", token);
            await client.InitializeAsync(token);

            var id = 10;
            foreach (var message in File.ReadAllLines(Path.Combine(_directory, "app.env")).Append(File.ReadAllText(Path.Combine(_directory, "id_rsa"))))
            {
                var response = await client.RequestAsync(id++, "tools/call", new JsonObject { ["name"] = "echo", ["arguments"] = new JsonObject { ["message"] = message } }, token);
                Assert.That(response["result"], Is.Not.Null, response.ToJsonString());
                output.Append(response.ToJsonString());
            }
        }

        var text = output.ToString();
        Assert.That(text, Does.Contain("[MASKED:"));
        Assert.That(Planted.Where(s => text.Contains(s, StringComparison.Ordinal) || text.Contains(s.Replace("/", "\\/", StringComparison.Ordinal), StringComparison.Ordinal)), Is.Empty, "client output");

        var store = Directory.GetFiles(_directory, "audit.db*").SelectMany(File.ReadAllBytes).ToArray();
        Assert.That(store.AsSpan().IndexOf("[MASKED:aws_access_key:1]"u8), Is.GreaterThanOrEqualTo(0), "the store holds the masked payloads");
        var hits = Planted.Where(s => store.AsSpan().IndexOf(Encoding.UTF8.GetBytes(s)) >= 0).ToList();
        Assert.That(hits, Is.Empty, "audit store bytes");
    }
}
