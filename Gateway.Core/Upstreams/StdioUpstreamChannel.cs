using System.ComponentModel;
using System.Diagnostics;
using System.IO.Pipelines;
using McpGateway.Core.Configuration;
using Microsoft.Extensions.Logging;

namespace McpGateway.Core.Upstreams;

/// <summary>
/// A server process spawned for one session. It gets a minimal environment plus the configured variables
/// (secrets resolved now, never logged); its stderr goes to the log; it is stopped with the session.
/// </summary>
internal sealed class StdioUpstreamChannel : IUpstreamChannel
{
    private static readonly string[] AlwaysInherited = ["PATH", "HOME", "LANG", "TMPDIR", "SYSTEMROOT"];
    private static readonly TimeSpan ExitGrace = TimeSpan.FromMilliseconds(500);

    private readonly Process _process;
    private readonly Task _stderrPump;

    private StdioUpstreamChannel(Process process, Task stderrPump, string description)
    {
        _process = process;
        _stderrPump = stderrPump;
        Description = description;
        Input = PipeReader.Create(process.StandardOutput.BaseStream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, minimumReadSize: 4096));
        Output = PipeWriter.Create(process.StandardInput.BaseStream, new StreamPipeWriterOptions(minimumBufferSize: 4096));
    }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

    public string Description { get; }

    public static StdioUpstreamChannel Start(StdioConnectionSettings settings, ILogger logger, TimeProvider? timeProvider = null)
    {
        var start = new ProcessStartInfo(settings.Command)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = settings.WorkingDirectory ?? "",
        };
        foreach (var arg in settings.Args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Clear();
        foreach (var name in AlwaysInherited.Concat(settings.InheritEnvironment))
        {
            if (Environment.GetEnvironmentVariable(name) is { } value)
            {
                start.Environment[name] = value;
            }
        }

        foreach (var (name, value) in settings.Environment)
        {
            start.Environment[name] = value.Resolve();
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new UpstreamUnavailableException($"'{settings.Command}' did not start");
        }
        catch (Win32Exception ex)
        {
            throw new UpstreamUnavailableException($"'{settings.Command}' cannot be started: {ex.Message}", ex);
        }

        var stderr = PumpStderrAsync(process.StandardError, settings.Name, logger, new StderrLineBudget(timeProvider ?? TimeProvider.System));
        return new StdioUpstreamChannel(process, stderr, $"stdio pid {process.Id}: {settings.Command}");
    }

    /// <summary>The server's stderr at Information, within its <see cref="StderrLineBudget"/>: what it says about why it failed is seen.</summary>
    private static async Task PumpStderrAsync(StreamReader stderr, string connection, ILogger logger, StderrLineBudget budget)
    {
        try
        {
            while (await stderr.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                var allowed = budget.TryTake(out var suppressed);
                if (suppressed > 0)
                {
                    GatewayLog.UpstreamStderrSuppressed(logger, connection, suppressed);
                }

                if (allowed)
                {
                    GatewayLog.UpstreamStderr(logger, connection, line);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // The process is gone; nothing more to read.
        }

        if (budget.TakeSuppressed() is > 0 and var rest)
        {
            GatewayLog.UpstreamStderrSuppressed(logger, connection, rest);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // MCP stdio shutdown: close the server's stdin, give it a moment, then end the whole process tree.
        using var grace = new CancellationTokenSource(ExitGrace);
        await CloseStdinAsync(grace.Token).ConfigureAwait(false);
        try
        {
            await _process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().ConfigureAwait(false);
            }
            catch (InvalidOperationException)
            {
                // Exited meanwhile.
            }
        }

        await Input.CompleteAsync().ConfigureAwait(false);
        await _stderrPump.ConfigureAwait(false);
        _process.Dispose();
    }

    /// <summary>
    /// Hands the server what is still buffered for it, within the grace, then closes its stdin. A server that stopped
    /// reading would hold that write (and with it the session's end, and the kill below) forever: after the grace the
    /// rest is dropped.
    /// </summary>
    private async ValueTask CloseStdinAsync(CancellationToken grace)
    {
        try
        {
            await Output.FlushAsync(grace).ConfigureAwait(false);
            await Output.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            await Output.CompleteAsync(ex).ConfigureAwait(false);
        }
    }
}
