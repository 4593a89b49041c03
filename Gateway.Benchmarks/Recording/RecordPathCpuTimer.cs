using System.Diagnostics;
using System.Globalization;
using McpGateway.Benchmarks.Load;

namespace McpGateway.Benchmarks.Recording;

/// <summary>
/// <c>record-cpu</c>: the cases of <see cref="SegmentLogBenchmarks"/> and <see cref="CommitHandBackBenchmarks"/> timed by
/// the process's CPU time (every thread: the writer, the pumps, SQLite's WAL checkpointer, the GC) as well as the wall
/// clock, so that a loaded machine skews the CPU figures far less than BenchmarkDotNet's wall times. Rounds are
/// interleaved; each row gives µs per record.
/// </summary>
internal static class RecordPathCpuTimer
{
    private const int RecordsPerCase = 16_384;

    /// <summary>Synced cases at small groups wait for the disk per group: at most this many groups per case.</summary>
    private const int SyncedGroups = 256;

    public static int Run(string[] args)
    {
        var rounds = 2;
        var only = "";
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--rounds":
                    rounds = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
                    break;
                case "--only":
                    only = args[i + 1];
                    break;
                default:
                    Console.Error.WriteLine("usage: record-cpu [--rounds 2] [--only writer|handback]");
                    return 2;
            }
        }

        Console.WriteLine("| round | case | group size / pumps | CPU µs/record | wall µs/record | load average |");
        Console.WriteLine("| ---: | --- | ---: | ---: | ---: | --- |");
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var groupSize in only == "handback" ? Array.Empty<int>() : new[] { 1, 16, 256, 2048 })
            {
                var rig = new SegmentLogBenchmarks { GroupSize = groupSize };
                rig.Setup();
                try
                {
                    var groups = RecordsPerCase / groupSize;
                    var synced = Math.Min(groups, SyncedGroups);
                    Time(round, "SqliteRowsFull", groupSize, synced * groupSize, () => Repeat(synced, rig.SqliteRowsFull));
                    Time(round, "SqliteRowsNormal", groupSize, groups * groupSize, () => Repeat(groups, rig.SqliteRowsNormal));
                    Time(round, "SegmentFsync", groupSize, synced * groupSize, () => Repeat(synced, rig.SegmentFsync));
                    Time(round, "SegmentFdatasync", groupSize, synced * groupSize, () => Repeat(synced, rig.SegmentFdatasync));
                    Time(round, "SegmentUnsynced", groupSize, groups * groupSize, () => Repeat(groups, rig.SegmentUnsynced));
                    Time(round, "IndexLeanRows", groupSize, groups * groupSize, () => Repeat(groups, rig.IndexLeanRows));
                    Time(round, "Seal", groupSize, groups * groupSize, () => Repeat(groups, () => rig.Seal()));
                }
                finally
                {
                    rig.Dispose();
                }
            }

            foreach (var pumps in only == "writer" ? Array.Empty<int>() : new[] { 1, 16, 256 })
            {
                var rig = new CommitHandBackBenchmarks { Pumps = pumps };
                rig.Setup();
                try
                {
                    var invokes = 32;
                    var records = invokes * CommitHandBackBenchmarks.RecordsPerInvoke;
                    Time(round, "TaskPerRecord", pumps, records, () => Repeat(invokes, () => rig.TaskPerRecord().GetAwaiter().GetResult()));
                    Time(round, "TaskPerRecordInline", pumps, records, () => Repeat(invokes, () => rig.TaskPerRecordInline().GetAwaiter().GetResult()));
                    Time(round, "TaskPerRead", pumps, records, () => Repeat(invokes, () => rig.TaskPerRead().GetAwaiter().GetResult()));
                    Time(round, "SignalPerPump", pumps, records, () => Repeat(invokes, () => rig.SignalPerPump().GetAwaiter().GetResult()));
                    Time(round, "SignalPerPumpInline", pumps, records, () => Repeat(invokes, () => rig.SignalPerPumpInline().GetAwaiter().GetResult()));
                }
                finally
                {
                    rig.Dispose();
                }
            }
        }

        return 0;
    }

    private static void Repeat(int times, Action action)
    {
        for (var i = 0; i < times; i++)
        {
            action();
        }
    }

    private static void Time(int round, string name, int size, int records, Action run)
    {
        // Once unmeasured: JIT and first-touch costs are not the path's.
        run();
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var wall = Stopwatch.GetTimestamp();
        run();
        var elapsed = Stopwatch.GetElapsedTime(wall);
        process.Refresh();
        var used = process.TotalProcessorTime - cpu;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"| {round} | {name} | {size} | {used.TotalMicroseconds / records:F2} | {elapsed.TotalMicroseconds / records:F2} | {ProcStat.LoadAverage()} |"));
    }
}
