using System.Diagnostics;
using System.Text;

namespace McpGateway.Tests.Infrastructure;

/// <summary>
/// A process a test starts and owns: stdout and stderr are captured line by line, a test can wait for a stdout line,
/// and disposing kills the whole process tree. Standard input stays open until disposal, so peers can treat its end
/// as "the test host is gone".
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private static readonly TimeSpan _exitTimeout = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly string _commandLine;
    private readonly Lock _gate = new();
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];
    private readonly Dictionary<TaskCompletionSource<string>, Func<string, bool>> _waiters = [];
    private bool _stdoutEnded;
    private int _disposed;

    private ChildProcess(Process process, string commandLine)
    {
        _process = process;
        _commandLine = commandLine;
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The exit code; only valid once <see cref="HasExited"/> is true.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>The child's standard input.</summary>
    public StreamWriter Input => _process.StandardInput;

    /// <summary>Stdout lines received so far.</summary>
    public IReadOnlyList<string> OutputLines
    {
        get
        {
            lock (_gate)
            {
                return [.. _stdout];
            }
        }
    }

    /// <summary>Stderr received so far, for failure messages.</summary>
    public string StandardError
    {
        get
        {
            lock (_gate)
            {
                return string.Join(Environment.NewLine, _stderr);
            }
        }
    }

    /// <summary>Starts <paramref name="fileName"/>; an environment value of null removes that variable.</summary>
    public static ChildProcess Start(
        string fileName,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? workingDirectory = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepoPaths.Root,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                startInfo.Environment.Remove(name);
            }
            else
            {
                startInfo.Environment[name] = value;
            }
        }

        var commandLine = string.Join(' ', [fileName, .. startInfo.ArgumentList]);
        var process = new Process { StartInfo = startInfo };
        var child = new ChildProcess(process, commandLine);
        process.OutputDataReceived += (_, e) => child.OnStdout(e.Data);
        process.ErrorDataReceived += (_, e) => child.OnStderr(e.Data);
        try
        {
            process.Start();
        }
        catch
        {
            process.Dispose();
            throw;
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>
    /// Returns the first stdout line (already received or still to come) that <paramref name="match"/> accepts.
    /// Throws <see cref="TimeoutException"/> after <paramref name="timeout"/> and <see cref="InvalidOperationException"/>
    /// when stdout ends first; both messages carry the captured output.
    /// </summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var waiter = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            var existing = _stdout.Find(line => match(line));
            if (existing is not null)
            {
                return existing;
            }

            if (_stdoutEnded)
            {
                throw new InvalidOperationException($"The process ended without printing the expected line.{Environment.NewLine}{Describe()}");
            }

            _waiters.Add(waiter, match);
        }

        try
        {
            return await waiter.Task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No matching line within {timeout}.{Environment.NewLine}{Describe()}");
        }
        finally
        {
            lock (_gate)
            {
                _waiters.Remove(waiter);
            }
        }
    }

    /// <summary>Waits for the process to exit and its output to be drained.</summary>
    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    /// <summary>Command line, exit state and captured output, for assertion messages.</summary>
    public string Describe()
    {
        var exit = ExitState();
        lock (_gate)
        {
            return new StringBuilder()
                .AppendLine($"process: {_commandLine} ({exit})")
                .AppendLine("stdout:")
                .AppendLine(string.Join(Environment.NewLine, _stdout))
                .AppendLine("stderr:")
                .Append(string.Join(Environment.NewLine, _stderr))
                .ToString();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var exitTimeout = new CancellationTokenSource(_exitTimeout);
            await _process.WaitForExitAsync(exitTimeout.Token);
        }
        catch (InvalidOperationException)
        {
            // Already exited between the check and the kill.
        }
        catch (OperationCanceledException)
        {
            // A grandchild outside the tree still holds stdout open; do not hang the test run on it.
        }
        finally
        {
            _process.Dispose();
        }
    }

    private string ExitState()
    {
        try
        {
            return _process.HasExited ? $"exited with {_process.ExitCode}" : "still running";
        }
        catch (InvalidOperationException)
        {
            return "disposed";
        }
    }

    private void OnStdout(string? line)
    {
        lock (_gate)
        {
            if (line is null)
            {
                _stdoutEnded = true;
                foreach (var waiter in _waiters.Keys)
                {
                    waiter.TrySetException(new InvalidOperationException(
                        $"The process ended without printing the expected line.{Environment.NewLine}{Describe()}"));
                }

                return;
            }

            _stdout.Add(line);
            foreach (var (waiter, match) in _waiters)
            {
                if (match(line))
                {
                    waiter.TrySetResult(line);
                }
            }
        }
    }

    private void OnStderr(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _stderr.Add(line);
        }
    }
}
