using BenchmarkDotNet.Running;
using McpGateway.Benchmarks.Load;

// `load ...` runs the end-to-end load driver; anything else goes to BenchmarkDotNet's switcher.
if (args.Length > 0 && args[0] == "load")
{
    return await LoadDriver.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(LoadDriver).Assembly).Run(args);
return 0;
