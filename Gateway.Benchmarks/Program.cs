using BenchmarkDotNet.Running;
using McpGateway.Benchmarks.Load;
using McpGateway.Benchmarks.Recording;

// `load ...` runs the end-to-end load driver, `verify-audit ...` times `mcpgw audit verify` on a generated store,
// `mask-cpu` times masking against the envelope scan by CPU time, `record-cpu` the record path's writer and hand-back cases
// by CPU time, `copy-relay ...` is the load driver's byte-copying baseline relay (targets dotnet-copy, kestrel-copy);
// anything else goes to BenchmarkDotNet's switcher.
if (args.Length > 0 && args[0] == "load")
{
    return await LoadDriver.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "copy-relay")
{
    return await McpGateway.Benchmarks.Floor.CopyRelay.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "verify-audit")
{
    return await VerifyDriver.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "mask-cpu")
{
    return McpGateway.Benchmarks.Masking.MaskingCpuTimer.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "record-cpu")
{
    return RecordPathCpuTimer.Run(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(LoadDriver).Assembly).Run(args);
return 0;
