using McpGateway.Core.Admin;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using StreamJsonRpc;

namespace McpGateway.Inspectors.External;

/// <summary>
/// Keeps one out-of-process inspector connected: starts (stdio) or connects to it (tcp, unix) when the gateway starts,
/// says hello, and when the connection ends (the process crashed or exited, the socket closed, the inspector sent
/// garbage) starts it again, with a delay that doubles after each quick failure (Polly). While it is down, <c>/readyz</c>
/// names it and frames it asked for get no verdict. <see cref="InspectAsync"/> carries one frame to it within the budget.
/// </summary>
internal sealed class ExternalInspectorClient : BackgroundService, IReadinessCheck
{
    private static readonly IReadOnlyDictionary<string, Type> InspectTypes = new Dictionary<string, Type>(StringComparer.Ordinal)
    {
        ["session"] = typeof(RawJson),
        ["direction"] = typeof(string),
        ["kind"] = typeof(string),
        ["id"] = typeof(RawJson),
        ["method"] = typeof(string),
        ["tool"] = typeof(string),
        ["sequence"] = typeof(long),
        ["frame"] = typeof(RawJson),
    };

    private readonly ExternalInspectorSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline _restarts;
    private volatile InspectorConnection? _live;
    private volatile InspectorInterest? _interest;
    private readonly TaskCompletionSource _firstAttempt = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _starts;

    public ExternalInspectorClient(ExternalInspectorSettings settings, TimeProvider time, ILogger logger)
    {
        _settings = settings;
        _time = time;
        _logger = logger;
        _restarts = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = settings.RestartDelay,
                MaxDelay = settings.MaxRestartDelay,
                ShouldHandle = new PredicateBuilder().Handle<InspectorStartException>(),
                OnRetry = args =>
                {
                    ExternalInspectorLog.Restarting(_logger, _settings.Name, args.AttemptNumber + 1, args.RetryDelay, args.Outcome.Exception?.Message);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    public string Name => _settings.Name;

    public ExternalInspectorSettings Settings => _settings;

    /// <summary>What the inspector asked for in its last successful hello; null until the first one.</summary>
    public InspectorInterest? Interest => _interest;

    /// <summary>True while a connection that said hello is live.</summary>
    public bool IsConnected => _live is not null;

    /// <summary>How often it was started (stdio) or connected (tcp, unix) successfully.</summary>
    public int Starts => Volatile.Read(ref _starts);

    public IEnumerable<string> NotReady() => _live is null ? [$"inspector:{_settings.Name}"] : [];

    /// <summary>
    /// Starts the supervisor and waits until the first start succeeded or failed (at most the hello timeout), so that a
    /// healthy inspector has said hello before the gateway takes its first session; a broken one does not hold the gateway back.
    /// </summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _firstAttempt.Task.WaitAsync(_settings.HelloTimeout + TimeSpan.FromSeconds(1), _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Still starting: /readyz says so, and frames it would see are refused (or pass, recorded) until it is up.
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // One pass of the pipeline: start, hello, serve until the connection ends. A connection that ends soon
                // after it started counts as a failed start, so a crash loop backs off; one that served long starts afresh.
                await _restarts.ExecuteAsync(ServeOnceAsync, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async ValueTask ServeOnceAsync(CancellationToken stoppingToken)
    {
        InspectorConnection connection;
        try
        {
            connection = await InspectorConnection.OpenAsync(_settings, _time, _logger, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            ExternalInspectorLog.StartFailed(_logger, _settings.Name, _settings.Target, ex.Message);
            _firstAttempt.TrySetResult();
            throw ex as InspectorStartException ?? new InspectorStartException(ex.Message, ex);
        }

        var started = _time.GetTimestamp();
        Interlocked.Increment(ref _starts);
        _interest = connection.Interest;
        _live = connection;
        _firstAttempt.TrySetResult();
        ExternalInspectorLog.Connected(_logger, _settings.Name, _settings.Target, connection.Interest.ToString());
        string why;
        try
        {
            await connection.Completion.WaitAsync(stoppingToken).ConfigureAwait(false);
            why = "the connection closed";
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            _live = null;
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        catch (Exception ex)
        {
            why = ex.Message;
        }

        _live = null;
        await connection.DisposeAsync().ConfigureAwait(false);
        var exit = connection.ExitCode is { } code ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $" (exit code {code})") : string.Empty;
        ExternalInspectorLog.Lost(_logger, _settings.Name, why + exit);
        if (_time.GetElapsedTime(started) < ExternalInspectorSettings.StableAfter)
        {
            throw new InspectorStartException($"it went away {_time.GetElapsedTime(started).TotalSeconds:0.#} s after it started: {why}{exit}");
        }
    }

    /// <summary>Carries one frame to the inspector; the budget covers waiting for a slot and for the verdict.</summary>
    public async ValueTask<InspectorAnswer> InspectAsync(IReadOnlyDictionary<string, object?> parameters, CancellationToken cancellationToken)
    {
        var connection = _live;
        if (connection is null)
        {
            return InspectorAnswer.Failed(InspectorFailure.Unavailable, "not connected");
        }

        using var budget = new CancellationTokenSource(connection.Interest.Budget, _time);
        using var sessionEnd = cancellationToken.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), budget);
        var slotTaken = false;
        try
        {
            if (!connection.Slots.Wait(0, CancellationToken.None))
            {
                await connection.Slots.WaitAsync(budget.Token).ConfigureAwait(false);
            }

            slotTaken = true;

            var reply = await connection.Rpc.InvokeWithParameterObjectAsync<InspectReply>(InspectorMethods.Inspect, parameters, InspectTypes, budget.Token)
                .WaitAsync(budget.Token).ConfigureAwait(false);
            connection.Answered();
            return reply is null ? InspectorAnswer.Failed(InspectorFailure.ProtocolError, "null verdict") : InspectorAnswer.Of(reply);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            if (!slotTaken)
            {
                return InspectorAnswer.Failed(InspectorFailure.Busy, "no free slot within the budget");
            }

            if (connection.TimedOut(_settings.RestartAfterTimeouts))
            {
                ExternalInspectorLog.NotKeepingUp(_logger, _settings.Name, _settings.RestartAfterTimeouts);
                Interlocked.CompareExchange(ref _live, null, connection);
                connection.Abort();
            }

            return InspectorAnswer.Failed(InspectorFailure.Timeout, "no verdict within the budget");
        }
        catch (Exception ex) when (ex is ConnectionLostException or ObjectDisposedException)
        {
            // Down from now on, before the caller hears of it (the supervisor learns it from the same event, maybe later).
            Interlocked.CompareExchange(ref _live, null, connection);
            return InspectorAnswer.Failed(InspectorFailure.Unavailable, ex.Message);
        }
        catch (Exception ex) when (ex is RemoteInvocationException or RemoteSerializationException or System.Text.Json.JsonException)
        {
            return InspectorAnswer.Failed(InspectorFailure.ProtocolError, ex.Message);
        }
        finally
        {
            if (slotTaken)
            {
                connection.Slots.Release();
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (_live is { } connection)
        {
            _live = null;
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
