using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace McpGateway.Tests.Infrastructure;

/// <summary>Makes sure peers/node_modules matches peers/package-lock.json before a test starts a Node peer.</summary>
internal static class NodePeers
{
    private static readonly TimeSpan _installTimeout = TimeSpan.FromMinutes(5);

    // Caches the outcome: npm ci runs at most once per test run, and a failure is reported to every caller.
    private static readonly Lazy<bool> _installed = new(InstallIfStale, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Runs <c>npm ci</c> in peers/ when node_modules is missing or older than package-lock.json.</summary>
    /// <exception cref="InvalidOperationException">npm is missing, fails or times out; the message carries its output.</exception>
    public static void EnsureInstalled() => _ = _installed.Value;

    /// <summary>True when node_modules is missing or was installed from an older package-lock.json.</summary>
    public static bool IsStale()
    {
        // npm ci and npm install both rewrite node_modules/.package-lock.json last.
        var installedLock = new FileInfo(Path.Combine(RepoPaths.NodeModules, ".package-lock.json"));
        return !installedLock.Exists
            || installedLock.LastWriteTimeUtc < File.GetLastWriteTimeUtc(RepoPaths.PeersPackageLock);
    }

    private static bool InstallIfStale()
    {
        if (!IsStale())
        {
            return true;
        }

        var startInfo = new ProcessStartInfo(OperatingSystem.IsWindows() ? "npm.cmd" : "npm")
        {
            WorkingDirectory = RepoPaths.Peers,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add("ci");
        startInfo.ArgumentList.Add("--no-audit");
        startInfo.ArgumentList.Add("--no-fund");

        var output = new StringBuilder();
        using var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException(
                $"npm was not found ({ex.Message}); install Node.js 20 or later to run the tests that use real MCP peers.", ex);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(_installTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException(
                $"npm ci in '{RepoPaths.Peers}' did not finish within {_installTimeout}:{Environment.NewLine}{Snapshot(output)}");
        }

        process.WaitForExit(); // drains the redirected output
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"npm ci in '{RepoPaths.Peers}' exited with {process.ExitCode}:{Environment.NewLine}{Snapshot(output)}");
        }

        return true;
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Snapshot(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
