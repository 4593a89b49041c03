using System.Globalization;
using McpGateway.Core.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace McpGateway.Inspectors.Authentication;

/// <summary>
/// The issuer's signing keys, from its discovery document and JWKS, and the policy for fetching them again:
/// <list type="bullet">
/// <item>every <see cref="OidcSettings.KeyRefreshInterval"/> in the background, with backoff (1 s doubling, at most a
/// minute) after a failure;</item>
/// <item>on demand (a token names an unknown key, or no usable keys are cached) at most once per
/// <see cref="OidcSettings.UnknownKidRefreshInterval"/>, so a flood of bogus tokens cannot hammer the issuer;</item>
/// <item>one fetch at a time: whoever needs one while it runs waits for it;</item>
/// <item>cached keys keep working through failed fetches until they are <see cref="OidcSettings.MaxKeyStaleness"/> old.</item>
/// </list>
/// Every clock is the injected <see cref="TimeProvider"/>.
/// </summary>
internal sealed class OidcKeyCache : IAsyncDisposable
{
    private static readonly TimeSpan _fetchTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan _initialBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan _maxBackoff = TimeSpan.FromMinutes(1);

    private readonly OidcSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HttpClient _http;
    private readonly HttpDocumentRetriever _retriever;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private Task<bool>? _fetching;
    private DateTimeOffset? _lastOnDemand;
    private OidcKeySet? _keys;
    private volatile bool _lastFetchFailed;
    private Task _loop = Task.CompletedTask;
    private int _disposed;

    public OidcKeyCache(OidcSettings settings, TimeProvider timeProvider, ILogger logger)
    {
        _settings = settings;
        _time = timeProvider;
        _logger = logger;
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = _fetchTimeout };
        _retriever = new HttpDocumentRetriever(_http) { RequireHttps = settings.RequireHttpsMetadata };
    }

    /// <summary>The last keys fetched, however old; null before the first successful fetch.</summary>
    public OidcKeySet? Current => Volatile.Read(ref _keys);

    /// <summary>Keys are cached and not older than the maximum staleness.</summary>
    public bool IsReady => IsUsable(Current);

    public bool IsUsable(OidcKeySet? keys) => keys is not null && _time.GetUtcNow() - keys.LoadedAt <= _settings.MaxKeyStaleness;

    /// <summary>Fetches once (the caller waits for that attempt, success or not), then keeps the keys fresh in the background.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await RefreshAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        _loop = KeepFreshAsync(_stopping.Token);
    }

    /// <summary>Fetches now, or joins the fetch already running; true when it succeeded.</summary>
    public Task<bool> RefreshAsync()
    {
        lock (_gate)
        {
            return _fetching ??= FetchAsync();
        }
    }

    /// <summary>
    /// A fetch on behalf of a token: joins one already running, else starts one unless the last on-demand fetch was less
    /// than <see cref="OidcSettings.UnknownKidRefreshInterval"/> ago. Afterwards <see cref="Current"/> is the best there is.
    /// </summary>
    /// <param name="why">For the log line when this starts a fetch, e.g. "a token names an unknown key".</param>
    public async Task RefreshOnDemandAsync(string why, CancellationToken cancellationToken)
    {
        Task<bool> fetch;
        lock (_gate)
        {
            if (_fetching is null)
            {
                var now = _time.GetUtcNow();
                if (_lastOnDemand is { } last && now - last < _settings.UnknownKidRefreshInterval)
                {
                    return;
                }

                _lastOnDemand = now;
                OidcLog.OnDemandRefresh(_logger, _settings.Issuer, why);
                _fetching = FetchAsync();
            }

            fetch = _fetching;
        }

        await fetch.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> FetchAsync()
    {
        // Returns to the caller first, so that the caller stores this task before the finally below clears it.
        await Task.Yield();
        try
        {
            var configuration = await OpenIdConnectConfigurationRetriever.GetAsync(_settings.MetadataAddress, _retriever, _stopping.Token).ConfigureAwait(false);
            if (!string.Equals(configuration.Issuer?.TrimEnd('/'), _settings.Issuer.TrimEnd('/'), StringComparison.Ordinal))
            {
                // OpenID Connect Discovery 1.0, section 4.3: the issuer in the document must be the one configured.
                throw new InvalidOperationException($"the discovery document names the issuer '{configuration.Issuer}', not '{_settings.Issuer}'");
            }

            var keys = configuration.SigningKeys.Where(k => k is not SymmetricSecurityKey).ToArray();
            if (keys.Length == 0)
            {
                throw new InvalidOperationException("the JWKS holds no asymmetric signing key");
            }

            var set = new OidcKeySet(configuration.Issuer!, keys, _time.GetUtcNow());
            var wasReady = IsReady;
            Volatile.Write(ref _keys, set);
            _lastFetchFailed = false;
            OidcLog.KeysLoaded(_logger, _settings.Issuer, keys.Length, set.DescribeKeyIds());
            if (!wasReady)
            {
                OidcLog.Ready(_logger, _settings.Issuer);
            }

            return true;
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception ex)
        {
            _lastFetchFailed = true;
            var keys = Current;
            var age = keys is null ? "none" : (_time.GetUtcNow() - keys.LoadedAt).ToString("c", CultureInfo.InvariantCulture);
            OidcLog.RefreshFailed(_logger, _settings.Issuer, _settings.MetadataAddress, Describe(ex), age);
            return false;
        }
        finally
        {
            lock (_gate)
            {
                _fetching = null;
            }
        }
    }

    private async Task KeepFreshAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        try
        {
            while (true)
            {
                var keys = Current;
                TimeSpan delay;
                if (keys is not null && !_lastFetchFailed)
                {
                    failures = 0;
                    delay = keys.LoadedAt + _settings.KeyRefreshInterval - _time.GetUtcNow();
                }
                else
                {
                    delay = Backoff(failures++);
                }

                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                }

                keys = Current;
                if (keys is not null && !_lastFetchFailed && _time.GetUtcNow() - keys.LoadedAt < _settings.KeyRefreshInterval)
                {
                    continue; // fetched on demand meanwhile
                }

                await RefreshAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private TimeSpan Backoff(int failures)
    {
        var cap = _settings.KeyRefreshInterval < _maxBackoff ? _settings.KeyRefreshInterval : _maxBackoff;
        var delay = _initialBackoff * Math.Pow(2, Math.Min(failures, 16));
        return delay < cap ? delay : cap;
    }

    private static string Describe(Exception ex)
    {
        var message = ex.Message;
        for (var inner = ex.InnerException; inner is not null; inner = inner.InnerException)
        {
            message += " -> " + inner.Message;
        }

        return message;
    }

    public async Task StopAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopAsync().ConfigureAwait(false);
        Task? fetching;
        lock (_gate)
        {
            fetching = _fetching;
        }

        if (fetching is not null)
        {
            await fetching.ConfigureAwait(false);
        }

        _http.Dispose();
        _stopping.Dispose();
    }
}
