using System.Security.Cryptography;
using McpGateway.Core.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace McpGateway.Inspectors.Policy;

/// <summary>
/// Holds the policy in force as an immutable snapshot and swaps it atomically when the configuration file changes.
/// The file is polled (on the <see cref="TimeProvider"/>); a change is applied once its content stayed the same for
/// one more interval (debounce). A reload that fails validation keeps the last good policy and logs every error;
/// the same broken content is not retried until it changes again. Sessions read <see cref="Current"/> per frame, so
/// they see a new policy on their next frame and are never dropped. The same polling step picks up operator
/// approvals in the tool pin file.
/// </summary>
internal sealed class PolicyMonitor : IHostedService, IDisposable
{
    private readonly GatewaySettings _settings;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ToolPinStore _pins;
    private readonly Lock _lock = new();
    private CompiledPolicy _current;
    private ITimer? _timer;
    private byte[]? _seenHash;
    private byte[]? _pendingHash;

    public PolicyMonitor(GatewaySettings settings, ToolPinStore pins, TimeProvider timeProvider, ILogger<PolicyMonitor> logger)
    {
        _settings = settings;
        _pins = pins;
        _timeProvider = timeProvider;
        _logger = logger;
        _current = settings.Policy ?? throw new ArgumentException("the settings carry no policy", nameof(settings));
    }

    public CompiledPolicy Current => Volatile.Read(ref _current);

    /// <summary>The tool pins (disabled unless the policy names a pin file).</summary>
    public ToolPinStore Pins => _pins;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var policy = Current;
        PolicyLog.Loaded(_logger, policy.Revision, policy.RuleCount, policy.DefaultAction == PolicyAction.Allow ? "allow" : "deny");
        if (_settings.SourcePath is not null)
        {
            _seenHash = HashFile(_settings.SourcePath);
            _timer = _timeProvider.CreateTimer(static s => ((PolicyMonitor)s!).Poll(), this, policy.ReloadInterval, policy.ReloadInterval);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>One polling step: notices a changed file, and reloads it when it was unchanged since the previous step.</summary>
    internal void Poll()
    {
        _pins.RefreshIfChanged();
        lock (_lock)
        {
            var hash = HashFile(_settings.SourcePath!);
            if (hash is null || (_seenHash is not null && hash.AsSpan().SequenceEqual(_seenHash)))
            {
                _pendingHash = null;
                return;
            }

            if (_pendingHash is null || !hash.AsSpan().SequenceEqual(_pendingHash))
            {
                _pendingHash = hash;
                return;
            }

            _pendingHash = null;
            _seenHash = hash;
            Reload();
        }
    }

    /// <summary>Reads the file now; true when a new policy is in force.</summary>
    internal bool Reload()
    {
        lock (_lock)
        {
            var path = _settings.SourcePath ?? throw new InvalidOperationException("the settings were not read from a file");
            var errors = new List<string>();
            var options = PolicyFileReader.Read(path, errors);
            var current = Current;
            var compiled = options is null ? null : PolicyCompiler.Compile(options, [.. _settings.Connections.Keys], errors, current.Revision + 1, Path.GetDirectoryName(path));
            if (compiled is null)
            {
                foreach (var error in errors)
                {
                    PolicyLog.ReloadFailed(_logger, path, current.Revision, error);
                }

                return false;
            }

            Volatile.Write(ref _current, compiled);
            PolicyLog.Loaded(_logger, compiled.Revision, compiled.RuleCount, compiled.DefaultAction == PolicyAction.Allow ? "allow" : "deny");
            return true;
        }
    }

    private static byte[]? HashFile(string path)
    {
        try
        {
            return SHA256.HashData(File.ReadAllBytes(path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Being replaced; the next step sees it.
            return null;
        }
    }

    public void Dispose() => _timer?.Dispose();
}
