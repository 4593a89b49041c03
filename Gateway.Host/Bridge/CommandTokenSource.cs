using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace McpGateway.Host.Bridge;

/// <summary>
/// <c>--token-command</c>: runs the command through <c>/bin/sh -c</c> at start and at every renewal; its standard
/// output, trimmed, is the token. Its standard error goes to the bridge's; its standard input is empty (the
/// bridge's own stdin carries the MCP client's frames).
/// </summary>
internal sealed class CommandTokenSource(string command, TimeSpan timeout) : ITokenSource
{
    private const int MaxTokenChars = 64 * 1024;

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public string Description => "token command";

    public async Task<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = false,
            StandardOutputEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add(command);
        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            throw new TokenUnavailableException($"the token command cannot be started: {ex.Message}", ex);
        }

        process.StandardInput.Close();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        string output;
        try
        {
            var read = ReadLimitedAsync(process.StandardOutput, deadline.Token);
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
            output = await read.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TokenUnavailableException(string.Create(CultureInfo.InvariantCulture, $"the token command did not finish within {timeout.TotalSeconds:0} s"));
        }

        if (process.ExitCode != 0)
        {
            throw new TokenUnavailableException(string.Create(CultureInfo.InvariantCulture, $"the token command exited with code {process.ExitCode}"));
        }

        var token = output.Trim();
        return token.Length > 0 ? token : throw new TokenUnavailableException("the token command printed nothing");
    }

    private static async Task<string> ReadLimitedAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        var output = new StringBuilder();
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (output.Length + read > MaxTokenChars)
            {
                throw new TokenUnavailableException($"the token command printed more than {MaxTokenChars} characters");
            }

            output.Append(buffer, 0, read);
        }

        return output.ToString();
    }
}
