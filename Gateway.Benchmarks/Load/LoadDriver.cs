namespace McpGateway.Benchmarks.Load;

internal static class LoadDriver
{
    public static Task<int> RunAsync(string[] args)
    {
        _ = args;
        Console.Error.WriteLine("The load driver is not built yet.");
        return Task.FromResult(2);
    }
}
