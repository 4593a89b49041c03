using System.Buffers;
using System.Collections.Frozen;
using System.Net;
using System.Text;
using System.Text.Json;
using McpGateway.Core.Chain;
using McpGateway.Core.Configuration;
using McpGateway.Core.Framing;
using McpGateway.Inspectors.Masking;
using McpGateway.Tests.Chain;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpGateway.Tests.Masking;

/// <summary>A mask inspector over one compiled masking section, and frames from the upstream to feed it.</summary>
internal sealed class MaskingRig
{
    public MaskingRig(MaskingOptions options, TimeProvider? time = null)
    {
        var errors = new List<string>();
        Settings = MaskingCompiler.Compile(options, errors)!;
        Assert.That(errors, Is.Empty);
        var gateway = new GatewaySettings
        {
            Endpoint = new IPEndPoint(IPAddress.Loopback, 0),
            AuthMode = AuthMode.None,
            Connections = FrozenDictionary<string, ConnectionSettings>.Empty,
            Features = FeatureSettings.Of(Settings),
        };
        Resolver = new MaskProfileResolver(Settings, gateway, null);
        Inspector = new MaskInspector(Resolver, time ?? TimeProvider.System, NullLogger<MaskInspector>.Instance);
        RecordMasker = new RecordMasker(Resolver, time ?? TimeProvider.System, NullLogger<RecordMasker>.Instance);
    }

    public MaskingSettings Settings { get; }

    public MaskProfileResolver Resolver { get; }

    public MaskInspector Inspector { get; }

    public RecordMasker RecordMasker { get; }

    public FakeSession Session { get; } = new();

    /// <summary>The default profile with the corpus's field rules.</summary>
    public static MaskingOptions CorpusOptions()
    {
        var options = new MaskingOptions();
        var profile = new MaskProfileOptions();
        profile.Fields.Add(new FieldRuleOptions { Path = "$.result.structuredContent.password", Kind = "password" });
        profile.Fields.Add(new FieldRuleOptions { Path = "$.params.arguments.apiKey", Kind = "api_key" });
        options.Profiles["default"] = profile;
        return options;
    }

    public McpFrame Frame(string json, FrameDirection direction = FrameDirection.UpstreamToClient) => Frame(Encoding.UTF8.GetBytes(json), direction);

    public McpFrame Frame(byte[] json, FrameDirection direction = FrameDirection.UpstreamToClient)
    {
        var payload = new ReadOnlySequence<byte>(json);
        var error = new EnvelopeScanner(FrameLimits.Default).Scan(payload, out var envelope);
        Assert.That(error, Is.Null, "the test frame must be valid");
        var frame = new McpFrame(Session, direction);
        frame.Reset(payload, envelope, null, null, 1);
        return frame;
    }

    /// <summary>What the client would receive: the replaced payload, the original, or null when the frame is withheld.</summary>
    public (Verdict Verdict, string? Output) Run(McpFrame frame)
    {
        var verdict = Inspect(frame);
        return verdict.Kind switch
        {
            VerdictKind.Replace => (verdict, Encoding.UTF8.GetString(verdict.Payload.Span)),
            VerdictKind.Forward => (verdict, Encoding.UTF8.GetString(frame.Payload.ToArray())),
            _ => (verdict, null),
        };
    }

    /// <summary>The inspector's verdict; it always completes synchronously.</summary>
    public Verdict Inspect(McpFrame frame)
    {
        var pending = Inspector.InspectAsync(frame, CancellationToken.None);
        return pending.IsCompletedSuccessfully ? pending.Result : throw new AssertionException("the mask inspector completed asynchronously");
    }

    /// <summary>Every string in the document after unescaping, plus the decoded text of strings that are base64.</summary>
    public static IEnumerable<string> Strings(string json)
    {
        using var document = JsonDocument.Parse(json);
        var found = new List<string>();
        Walk(document.RootElement, found);
        return found;
    }

    private static void Walk(JsonElement element, List<string> found)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    found.Add(property.Name);
                    Walk(property.Value, found);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Walk(item, found);
                }

                break;
            case JsonValueKind.String:
                var text = element.GetString()!;
                found.Add(text);
                var buffer = new byte[text.Length];
                if (text.Length >= 8 && Convert.TryFromBase64String(text, buffer, out var written))
                {
                    found.Add(Encoding.UTF8.GetString(buffer, 0, written));
                }

                break;
        }
    }
}
