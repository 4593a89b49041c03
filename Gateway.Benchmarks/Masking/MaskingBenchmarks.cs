using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using McpGateway.Core.Framing;
using McpGateway.Core.Masking;

namespace McpGateway.Benchmarks.Masking;

/// <summary>
/// Masking one 100 KiB tool result (50 text blocks of log-like lines) with the default profile: with no hits, and with
/// several secrets planted. The baseline is the envelope scan every relayed frame already gets (one Utf8JsonReader pass
/// over the whole frame), the cost masking adds to. Goal: no-hit masking allocates nothing.
/// </summary>
[MemoryDiagnoser]
public class MaskingBenchmarks
{
    private const int TargetBytes = 100 * 1024;

    private readonly EnvelopeScanner _scanner = new(FrameLimits.Default);
    private ReadOnlySequence<byte> _clean;
    private ReadOnlySequence<byte> _secrets;
    private readonly MaskLabels _labels = new();
    private MaskProfile _profile = null!;

    [GlobalSetup]
    public void Setup()
    {
        var options = new MaskingOptions();
        options.Profiles["default"] = new MaskProfileOptions { Budget = TimeSpan.FromSeconds(10) };
        _profile = MaskingCompiler.Compile(options, [])!.DefaultProfile;
        _clean = new ReadOnlySequence<byte>(Response(withSecrets: false));
        _secrets = new ReadOnlySequence<byte>(Response(withSecrets: true));
        Console.WriteLine($"// frames: {_clean.Length} B clean, {_secrets.Length} B with secrets");
    }

    [Benchmark(Baseline = true)]
    public bool EnvelopeScan() => _scanner.Scan(_clean, out _) is null;

    [Benchmark]
    public byte[]? MaskNoHits() => MaskEngine.Mask(_clean, _profile, _labels, TimeProvider.System);

    [Benchmark]
    public byte[]? MaskSeveralHits() => MaskEngine.Mask(_secrets, _profile, _labels, TimeProvider.System);

    private static byte[] Response(bool withSecrets)
    {
        var content = new JsonArray();
        var size = 0;
        for (var block = 0; size < TargetBytes; block++)
        {
            var text = new StringBuilder();
            for (var line = 0; line < 20; line++)
            {
                text.Append("2026-11-22T01:51:49.").Append(block * 20 + line).Append("Z INFO request ")
                    .Append(Guid.CreateVersion7(DateTimeOffset.UnixEpoch.AddSeconds(block * 20 + line)).ToString())
                    .Append(" served /api/v1/orders/ORD-").Append(1000000 + line).Append(" in 12ms sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n");
            }

            if (withSecrets && block % 10 == 0)
            {
                text.Append("leaked AKIAIOSFODNN7EXAMPLE and Password=Sup3rS3cret!; card 4111 1111 1111 1111\n");
            }

            content.Add(new JsonObject { ["type"] = "text", ["text"] = text.ToString() });
            size += text.Length;
        }

        var frame = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 1, ["result"] = new JsonObject { ["content"] = content } };
        return Encoding.UTF8.GetBytes(frame.ToJsonString());
    }
}
