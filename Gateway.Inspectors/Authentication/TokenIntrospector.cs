using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using McpGateway.Core.Configuration;
using McpGateway.Core.Errors;
using McpGateway.Core.Identity;
using Microsoft.Extensions.Logging;

namespace McpGateway.Inspectors.Authentication;

/// <summary>
/// Revocation by token introspection (RFC 7662): the issuer is asked whether a token is active when it authenticates, and
/// again when a session using it makes a request after the last answer is older than the cache TTL. An inactive token
/// is refused (<c>token_revoked</c>); an issuer that cannot answer refuses too (<c>idp_unavailable</c>): fail closed.
/// The gateway authenticates with <c>client_secret_basic</c>, the secret read from its environment variable or file.
/// </summary>
internal sealed class TokenIntrospector : IDisposable
{
    /// <summary>Accepted tokens remembered at once; beyond that (after dropping expired ones) new tokens are refused.</summary>
    public const int MaxEntries = 65536;

    private static readonly TimeSpan _requestTimeout = TimeSpan.FromSeconds(10);

    private readonly IntrospectionSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HttpClient _http;
    private readonly ConcurrentDictionary<string, IntrospectionEntry> _entries = new(StringComparer.Ordinal);

    public TokenIntrospector(IntrospectionSettings settings, TimeProvider timeProvider, ILogger logger, HttpMessageHandler? handler = null)
    {
        _settings = settings;
        _time = timeProvider;
        _logger = logger;
        _http = new HttpClient(handler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = _requestTimeout };
    }

    /// <summary>At authentication: null when the issuer says (or said within the TTL) the token is active.</summary>
    public ValueTask<GatewayError?> CheckAsync(string tokenHash, string token, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        if (!_entries.TryGetValue(tokenHash, out var entry))
        {
            if (_entries.Count >= MaxEntries && !Sweep())
            {
                return ValueTask.FromResult<GatewayError?>(OidcErrors.IdpUnavailable);
            }

            entry = _entries.GetOrAdd(tokenHash, new IntrospectionEntry(token, expiresAt));
        }

        return AskIfStaleAsync(tokenHash, entry, cancellationToken);
    }

    /// <summary>
    /// For a running session: null while the token's last answer is active and fresh, or the identity did not come from
    /// a token this introspector checked (a client certificate).
    /// </summary>
    public ValueTask<GatewayError?> RecheckAsync(GatewayIdentity identity, CancellationToken cancellationToken) =>
        _entries.TryGetValue(identity.TokenHash, out var entry)
            ? AskIfStaleAsync(identity.TokenHash, entry, cancellationToken)
            : ValueTask.FromResult<GatewayError?>(null);

    private ValueTask<GatewayError?> AskIfStaleAsync(string tokenHash, IntrospectionEntry entry, CancellationToken cancellationToken)
    {
        if (entry.TryGetFresh(_time.GetUtcNow(), _settings.CacheTtl, out var active))
        {
            return ValueTask.FromResult(active ? null : OidcErrors.TokenRevoked);
        }

        return AskAsync(tokenHash, entry, cancellationToken);
    }

    private async ValueTask<GatewayError?> AskAsync(string tokenHash, IntrospectionEntry entry, CancellationToken cancellationToken)
    {
        bool active;
        try
        {
            active = await IntrospectAsync(entry.Token, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException or InvalidOperationException
            && !cancellationToken.IsCancellationRequested)
        {
            OidcLog.IntrospectionFailed(_logger, TokenHash.Prefix(tokenHash), _settings.Endpoint.GetLeftPart(UriPartial.Path), ex.Message);
            return OidcErrors.IdpUnavailable;
        }

        entry.Record(active, _time.GetUtcNow());
        if (active)
        {
            return null;
        }

        OidcLog.TokenInactive(_logger, TokenHash.Prefix(tokenHash));
        return OidcErrors.TokenRevoked;
    }

    /// <summary>One introspection request; true only for a JSON object whose <c>active</c> is <c>true</c>.</summary>
    private async Task<bool> IntrospectAsync(string token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _settings.Endpoint)
        {
            Content = new FormUrlEncodedContent([new("token", token), new("token_type_hint", "access_token")]),
        };

        // RFC 6749 2.3.1: client id and secret are form-urlencoded before they are joined for Basic.
        var credentials = Uri.EscapeDataString(_settings.ClientId) + ":" + Uri.EscapeDataString(_settings.ClientSecret.Resolve());
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"status {(int)response.StatusCode}");
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("the answer is not a JSON object");
        }

        return document.RootElement.TryGetProperty("active", out var active) && active.ValueKind == JsonValueKind.True;
    }

    /// <summary>Drops the entries of expired tokens; true when there is room again.</summary>
    private bool Sweep()
    {
        var now = _time.GetUtcNow();
        foreach (var (hash, entry) in _entries)
        {
            if (entry.ExpiresAt <= now)
            {
                _entries.TryRemove(hash, out _);
            }
        }

        return _entries.Count < MaxEntries;
    }

    public void Dispose() => _http.Dispose();
}
