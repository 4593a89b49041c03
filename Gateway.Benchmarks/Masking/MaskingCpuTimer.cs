using System.Diagnostics;
using System.Globalization;
using McpGateway.Benchmarks.Load;

namespace McpGateway.Benchmarks.Masking;

/// <summary>
/// <c>mask-cpu</c>: the cases of <see cref="MaskingBenchmarks"/> timed by the process's CPU time instead of the wall
/// clock, so that a loaded machine (other processes taking the cores) skews the figures far less than it skews
/// BenchmarkDotNet's. Each case runs single-threaded for <c>--ops</c> calls per round, rounds interleaved; the table
/// gives CPU µs per call and the ratio to the envelope scan of the same round.
/// </summary>
internal static class MaskingCpuTimer
{
    public static int Run(string[] args)
    {
        var ops = args is ["--ops", var given] ? int.Parse(given, CultureInfo.InvariantCulture) : 2000;
        var cases = new List<(string Name, MaskingBenchmarks Rig, Func<MaskingBenchmarks, object?> Call)>();
        foreach (var segment in new[] { 0, 4096 })
        {
            var rig = new MaskingBenchmarks { SegmentBytes = segment };
            rig.Setup();
            var shape = segment == 0 ? "one segment" : "4 KiB segments";
            cases.Add(($"envelope scan, {shape}", rig, r => r.EnvelopeScan()));
            cases.Add(($"masking no hit, {shape}", rig, r => r.MaskNoHits()));
        }

        Console.WriteLine($"| round | case | CPU µs/call | vs scan | load average |");
        Console.WriteLine("| ---: | --- | ---: | ---: | --- |");
        for (var round = 1; round <= 3; round++)
        {
            var scan = 0.0;
            foreach (var (name, rig, call) in cases)
            {
                var before = Process.GetCurrentProcess().TotalProcessorTime;
                for (var i = 0; i < ops; i++)
                {
                    call(rig);
                }

                var perCall = (Process.GetCurrentProcess().TotalProcessorTime - before).TotalMicroseconds / ops;
                scan = name.StartsWith("envelope", StringComparison.Ordinal) ? perCall : scan;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {round} | {name} | {perCall:F1} | {perCall / scan:F2} | {ProcStat.LoadAverage()} |"));
            }
        }

        return 0;
    }
}
