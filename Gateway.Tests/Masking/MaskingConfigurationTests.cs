using System.Buffers;
using System.Text;
using McpGateway.Core.Chain;
using McpGateway.Core.Configuration;
using McpGateway.Core.Framing;
using McpGateway.Core.Identity;
using McpGateway.Inspectors;
using McpGateway.Inspectors.Policy;
using McpGateway.Inspectors.Masking;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpGateway.Tests.Masking;

/// <summary>The masking section through the real loader, and profiles chosen by policy rule, connection and default.</summary>
[TestFixture]
internal sealed class MaskingConfigurationTests
{
    private const string Config = """
        {
          "listen": "127.0.0.1:7400",
          "auth": { "mode": "none" },
          "connections": {
            "db": { "transport": "tcp", "host": "127.0.0.1", "port": 3920 },
            "files": { "transport": "tcp", "host": "127.0.0.1", "port": 3921, "maskProfile": "cards" }
          },
          "policy": {
            "default": "allow",
            "rules": [
              { "id": "alice-strict", "action": "allow", "maskProfile": "strict", "match": { "subjects": [ "alice" ], "tools": [ "query" ] } }
            ]
          },
          "masking": {
            "defaultProfile": "standard",
            "profiles": {
              "standard": { },
              "strict": { "optIn": [ "email" ], "budget": "00:00:00.100" },
              "cards": { "detectors": [ "card" ], "partial": [ "card" ], "base64": "ignore" }
            }
          }
        }
        """;

    private static readonly GatewayIdentity Alice = new("alice", null, [], DateTimeOffset.MaxValue, "hash");
    private static readonly GatewayIdentity Bob = new("bob", null, [], DateTimeOffset.MaxValue, "hash");

    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("mcpgw-masking-config-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private GatewaySettings Load(string json)
    {
        var path = Path.Combine(_dir, "gateway.json");
        File.WriteAllText(path, json);
        return GatewayConfiguration.LoadFile(path);
    }

    [Test]
    public void Load_NoMaskingSection_NoMasking()
    {
        var json = Config[..Config.IndexOf(",\n  \"masking\"", StringComparison.Ordinal)] + "}";
        var settings = Load(json.Replace("\"maskProfile\": \"strict\", ", "", StringComparison.Ordinal).Replace(", \"maskProfile\": \"cards\"", "", StringComparison.Ordinal));

        Assert.That(settings.Masking, Is.Null);
    }

    [Test]
    public void Load_EveryMaskingMistake_ReportedAtOnce()
    {
        var broken = Config
            .Replace("\"maskProfile\": \"strict\"", "\"maskProfile\": \"nosuch\"", StringComparison.Ordinal)
            .Replace("\"maskProfile\": \"cards\"", "\"maskProfile\": \"gone\"", StringComparison.Ordinal)
            .Replace("\"standard\": { }", "\"standard\": { \"detectors\": [ \"aws\", \"bogus\" ], \"custom\": [ { \"name\": \"x\", \"regex\": \"(\" } ] }", StringComparison.Ordinal);

        var error = Assert.Throws<InvalidConfigurationException>(() => Load(broken))!;

        Assert.That(error.Message, Does.Contain("policy.rules[0].maskProfile: no masking profile named 'nosuch'"));
        Assert.That(error.Message, Does.Contain("connections.files.maskProfile: no masking profile named 'gone'"));
        Assert.That(error.Message, Does.Contain("masking.profiles.standard.detectors[1]: no detector named 'bogus'"));
        Assert.That(error.Message, Does.Contain("masking.profiles.standard.custom[0].regex"));
    }

    [Test]
    public void Load_MaskProfileWithoutMaskingSection_Error()
    {
        var json = Config[..Config.IndexOf(",\n  \"masking\"", StringComparison.Ordinal)] + "}";

        var error = Assert.Throws<InvalidConfigurationException>(() => Load(json))!;

        Assert.That(error.Message, Does.Contain("names profile 'strict' but there is no masking section"));
    }

    [TestCase("alice", "db", "query", "[MASKED:email:1]")]
    [TestCase("bob", "db", "query", "bob@example.com")]
    [TestCase("alice", "db", "other", "bob@example.com")]
    public void Inspect_PolicyRuleMaskProfile_ChoosesTheProfileForTheResponse(string subject, string connection, string tool, string expected)
    {
        var settings = Load(Config);
        var monitor = new PolicyMonitor(settings, new ToolPinStore(null, TimeProvider.System, NullLogger.Instance), TimeProvider.System, NullLogger<PolicyMonitor>.Instance);
        var inspector = new MaskInspector(new MaskProfileResolver(settings.Masking!, settings, monitor), TimeProvider.System, NullLogger<MaskInspector>.Instance);
        var session = new MaskingSession(subject == "alice" ? Alice : Bob, connection);
        Assert.That(inspector.Directions, Is.EqualTo(InspectedDirections.Both));

        Run(inspector, session, FrameDirection.ClientToUpstream, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool + "\",\"arguments\":{}}}");
        var output = Run(inspector, session, FrameDirection.UpstreamToClient, """{"jsonrpc":"2.0","id":5,"result":{"content":[{"type":"text","text":"owner bob@example.com"}]}}""");

        Assert.That(output, Does.Contain("owner " + expected));
    }

    [Test]
    public void Inspect_ConnectionMaskProfile_UsedWithoutARule()
    {
        var settings = Load(Config);
        var inspector = new MaskInspector(new MaskProfileResolver(settings.Masking!, settings, null), TimeProvider.System, NullLogger<MaskInspector>.Instance);
        var session = new MaskingSession(Bob, "files");

        var output = Run(inspector, session, FrameDirection.UpstreamToClient, """{"jsonrpc":"2.0","id":5,"result":{"content":[{"type":"text","text":"card 4111 1111 1111 1111 key AKIAIOSFODNN7EXAMPLE"}]}}""");

        Assert.That(output, Does.Contain("card ****1111 key AKIAIOSFODNN7EXAMPLE"));
    }

    private static string Run(MaskInspector inspector, IGatewaySession session, FrameDirection direction, string json)
    {
        var payload = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(json));
        Assert.That(new EnvelopeScanner(FrameLimits.Default).Scan(payload, out var envelope), Is.Null);
        var frame = new McpFrame(session, direction);
        frame.Reset(payload, envelope, direction == FrameDirection.UpstreamToClient ? McpMethods.ToolsCall : null, null, 1);
        var pending = inspector.InspectAsync(frame, CancellationToken.None);
        var verdict = pending.IsCompletedSuccessfully ? pending.Result : throw new AssertionException("asynchronous");
        return verdict.Kind == VerdictKind.Replace ? Encoding.UTF8.GetString(verdict.Payload.Span) : json;
    }
}
