using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using McpGateway.Core.Framing;
using McpGateway.Benchmarks.Upstream;
using McpGateway.Inspectors.Masking;

namespace McpGateway.Benchmarks.Masking;

/// <summary>
/// Masking one 100 KiB tool result (50 text blocks of log-like lines: timestamps, UUIDs, order ids, SHA-256 digests) with
/// the default profile: with no hits, and with several secrets planted (an AWS key id, a connection-string password and a
/// card in every tenth block). The baseline is the envelope scan every relayed frame already gets (one validating
/// Utf8JsonReader pass over the whole frame), the cost masking adds to. The frame comes in one segment or, as a pipe hands
/// out large frames, in 4 KiB segments. Each iteration masks one response, so that the P99 column is per response; the
/// MB/s column is the frame's size over the mean. Goal: no-hit masking allocates nothing and costs a small fraction of the scan.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(PerResponseConfig))]
public class MaskingBenchmarks
{
    private const int TargetBytes = 100 * 1024;

    private readonly EnvelopeScanner _scanner = new(FrameLimits.Default);
    private readonly MaskLabels _labels = new();
    private ReadOnlySequence<byte> _clean;
    private ReadOnlySequence<byte> _secrets;
    private MaskProfile _profile = null!;

    /// <summary>0: the frame in one segment; otherwise the segment size in bytes.</summary>
    [Params(0, 4096)]
    public int SegmentBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var options = new MaskingOptions();
        options.Profiles["default"] = new MaskProfileOptions { Budget = TimeSpan.FromSeconds(10) };
        _profile = MaskingCompiler.Compile(options, [])!.DefaultProfile;
        _clean = Segmented(Response(withSecrets: false), SegmentBytes);
        _secrets = Segmented(Response(withSecrets: true), SegmentBytes);
        Console.WriteLine($"// frames: {_clean.Length} B clean, {_secrets.Length} B with secrets; pre-filter enabled: {_profile.Prefilter.IsEnabled}, "
            + $"clean frame a candidate: {_profile.Prefilter.MayMatchFrame(_clean)}");

        // One call per iteration leaves too few warm-up calls for tiered JIT: call each path often enough to be
        // recompiled fully optimized, and give the background compiler time to install the code.
        for (var i = 0; i < 500; i++)
        {
            EnvelopeScan();
            MaskNoHits();
            if (i % 10 == 0)
            {
                MaskSeveralHits();
            }
        }

        Thread.Sleep(TimeSpan.FromSeconds(1));
    }

    [Benchmark(Baseline = true)]
    public bool EnvelopeScan() => _scanner.Scan(_clean, out _) is null;

    [Benchmark]
    public byte[]? MaskNoHits() => MaskEngine.Mask(_clean, _profile, _labels, TimeProvider.System);

    [Benchmark]
    public byte[]? MaskSeveralHits() => MaskEngine.Mask(_secrets, _profile, _labels, TimeProvider.System);

    /// <summary>The frame a benchmark method works on, for the MB/s column.</summary>
    internal static int FrameBytes(string method) => method == nameof(MaskSeveralHits) ? SecretsLength.Value : CleanLength.Value;

    private static readonly Lazy<int> CleanLength = new(() => Response(withSecrets: false).Length);
    private static readonly Lazy<int> SecretsLength = new(() => Response(withSecrets: true).Length);

    private static byte[] Response(bool withSecrets)
    {
        var content = new JsonArray();
        var size = 0;
        for (var block = 0; size < TargetBytes; block++)
        {
            var text = new StringBuilder();
            for (var line = 0; line < 20; line++)
            {
                text.Append(LogText.Line((block * 20) + line)).Append('\n');
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

    private static ReadOnlySequence<byte> Segmented(byte[] frame, int segmentBytes)
    {
        if (segmentBytes == 0)
        {
            return new ReadOnlySequence<byte>(frame);
        }

        Segment? first = null;
        Segment? last = null;
        foreach (var chunk in frame.Chunk(segmentBytes))
        {
            var segment = new Segment(chunk, last is null ? 0 : last.RunningIndex + last.Memory.Length);
            if (last is null)
            {
                first = segment;
            }
            else
            {
                last.Append(segment);
            }

            last = segment;
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] chunk, long runningIndex)
        {
            Memory = chunk;
            RunningIndex = runningIndex;
        }

        public void Append(Segment next) => Next = next;
    }

    /// <summary>
    /// Whatever job the command line names (<c>--job short</c>), each iteration is one call, 200 of them, so that the
    /// percentiles are per response; plus the MB/s and P99 columns.
    /// </summary>
    private sealed class PerResponseConfig : ManualConfig
    {
        public PerResponseConfig()
        {
            AddJob(Job.Default.WithInvocationCount(1).WithUnrollFactor(1).WithIterationCount(200).AsMutator());
            AddColumn(new ThroughputColumn(), new PercentileColumn(99));
        }
    }
}
