using System.Collections.Concurrent;
using System.Text.Json;
using McpGateway.Core.Configuration;
using McpGateway.Core.Errors;
using McpGateway.Core.Identity;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace McpGateway.Inspectors.Authentication;

/// <summary>
/// <c>auth.mode: oidc</c>: the token of <c>mcpgateway/authenticate</c> is a JWT access token from the configured issuer,
/// validated locally. <see cref="JwtPrecheck"/> refuses what no library should see; then <see cref="JsonWebTokenHandler"/>
/// checks signature (keys from <see cref="OidcKeyCache"/>, only those the token's <c>kid</c> names), issuer (as the
/// discovery document names it), audience, algorithm, type and lifetime with the configured skew, on the injected clock.
/// The identity is the subject, client id and groups; the token itself is only kept as its hash.
/// </summary>
internal sealed class OidcAuthenticator : IGatewayAuthenticator, IHostedService, IAsyncDisposable
{
    private const int MaxAcceptedTokens = 4096;

    private readonly OidcSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly OidcKeyCache _keys;
    private readonly JsonWebTokenHandler _handler;
    private readonly TokenIntrospector? _introspector;
    private readonly ConcurrentDictionary<string, AcceptedToken> _accepted = new(StringComparer.Ordinal);

    public OidcAuthenticator(OidcSettings settings, TimeProvider timeProvider, ILogger<OidcAuthenticator> logger)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        _time = timeProvider;
        _logger = logger;
        _keys = new OidcKeyCache(settings, timeProvider, logger);
        _handler = new JsonWebTokenHandler { MaximumTokenSizeInBytes = settings.MaxTokenBytes };
        _introspector = settings.Introspection is { } introspection ? new TokenIntrospector(introspection, timeProvider, logger) : null;
    }

    public string Mode => $"oidc ({_settings.Issuer})";

    /// <summary>Signing keys are loaded and not older than <see cref="OidcSettings.MaxKeyStaleness"/>.</summary>
    public bool IsReady => _keys.IsReady;

    /// <summary>The key cache, for tests that drive refreshes by hand.</summary>
    internal OidcKeyCache Keys => _keys;

    public ValueTask<AuthenticationOutcome> AuthenticateAsync(string token, CancellationToken cancellationToken) =>
        AuthenticateAsync(token, null, cancellationToken);

    public async ValueTask<AuthenticationOutcome> AuthenticateAsync(string token, string? resource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        var tokenHash = TokenHash.Of(token);
        var refusal = JwtPrecheck.Check(token, _settings.AllowedAlgorithms, _settings.MaxTokenBytes, out var shape);
        if (refusal is not null)
        {
            return Refuse(tokenHash, refusal);
        }

        var keys = _keys.Current;
        if (!_keys.IsUsable(keys))
        {
            await _keys.RefreshOnDemandAsync("no usable keys are cached", cancellationToken).ConfigureAwait(false);
            keys = _keys.Current;
            if (!_keys.IsUsable(keys))
            {
                return Refuse(tokenHash, OidcErrors.IdpUnavailable);
            }
        }

        if (_accepted.TryGetValue(tokenHash, out var accepted) && ReferenceEquals(accepted.Keys, keys) && StillValid(accepted.Identity)
            && (accepted.Resource is null || string.Equals(accepted.Resource, resource, StringComparison.Ordinal)))
        {
            // The same token, already validated against the same key set: only its lifetime (or revocation) can have changed.
            return await ActiveAsync(tokenHash, token, accepted.Identity, cancellationToken).ConfigureAwait(false);
        }

        if (!keys!.TryResolve(shape!.KeyId, out var signingKeys))
        {
            if (shape.KeyId is null)
            {
                // Several keys and the token does not say which: no guessing.
                return Refuse(tokenHash, OidcErrors.MalformedToken);
            }

            // Perhaps the issuer rotated its keys: fetch again, at most once per interval however many tokens ask.
            await _keys.RefreshOnDemandAsync("a token names a key the cache does not hold", cancellationToken).ConfigureAwait(false);
            keys = _keys.Current!;
            if (!keys.TryResolve(shape.KeyId, out signingKeys))
            {
                return Refuse(tokenHash, OidcErrors.InvalidSignature);
            }
        }

        var result = await _handler.ValidateTokenAsync(token, Parameters(keys, signingKeys, shape, resource)).ConfigureAwait(false);
        if (!result.IsValid)
        {
            OidcLog.ValidatorRefused(_logger, TokenHash.Prefix(tokenHash), result.Exception?.GetType().Name ?? "unknown");
            return Refuse(tokenHash, Classify(result.Exception));
        }

        var claimsRefusal = ReadIdentity(shape.Payload, ((JsonWebToken)result.SecurityToken).ValidTo, tokenHash, out var identity);
        if (claimsRefusal is not null)
        {
            return Refuse(tokenHash, claimsRefusal);
        }

        var outcome = await ActiveAsync(tokenHash, token, identity, cancellationToken).ConfigureAwait(false);
        if (outcome.Identity is not null)
        {
            OidcLog.TokenAccepted(_logger, TokenHash.Prefix(tokenHash), identity.Subject, identity.ClientId);
            // A token for a configured audience holds anywhere; one for this resource URL alone, only here.
            var shared = ((JsonWebToken)result.SecurityToken).Audiences.Any(a => _settings.Audiences.Contains(a, StringComparer.Ordinal));
            Remember(tokenHash, new AcceptedToken(identity, keys, shared ? null : resource));
        }

        return outcome;
    }

    /// <summary>With introspection configured, a valid token must also be active at the issuer (not revoked).</summary>
    private async ValueTask<AuthenticationOutcome> ActiveAsync(string tokenHash, string token, GatewayIdentity identity, CancellationToken cancellationToken)
    {
        if (_introspector is not null && await _introspector.CheckAsync(tokenHash, token, identity.ExpiresAt, cancellationToken).ConfigureAwait(false) is { } refusal)
        {
            return Refuse(tokenHash, refusal);
        }

        return AuthenticationOutcome.Success(identity);
    }

    /// <summary>A session's token, asked about again once the issuer's last answer is older than the cache TTL.</summary>
    public ValueTask<GatewayError?> RecheckAsync(GatewayIdentity identity, CancellationToken cancellationToken) =>
        _introspector?.RecheckAsync(identity, cancellationToken) ?? ValueTask.FromResult<GatewayError?>(null);

    /// <summary>
    /// Agents reconnect with the token they hold, so accepted tokens are remembered by their SHA-256 until they expire.
    /// An entry counts only for the key set it was validated against: any key refresh validates afresh.
    /// </summary>
    private void Remember(string tokenHash, AcceptedToken accepted)
    {
        if (_accepted.Count >= MaxAcceptedTokens)
        {
            _accepted.Clear();
        }

        _accepted[tokenHash] = accepted;
    }

    private bool StillValid(GatewayIdentity identity) => _time.GetUtcNow() < identity.ExpiresAt + _settings.ClockSkew;

    private TokenValidationParameters Parameters(OidcKeySet keys, SecurityKey[] signingKeys, JwtShape shape, string? resource) => new()
    {
        ValidIssuer = keys.Issuer,
        ValidateIssuer = true,
        ValidAudiences = resource is null ? _settings.Audiences : [.. _settings.Audiences, resource],
        ValidateAudience = true,
        IssuerSigningKeys = signingKeys,
        ValidAlgorithms = _settings.AllowedAlgorithms,
        // Okta's access tokens carry no typ; one that does must be an access token or a plain JWT.
        ValidTypes = shape.Type is null ? null : JwtPrecheck.AllowedTypes,
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        ValidateLifetime = true,
        ClockSkew = _settings.ClockSkew,
        LifetimeValidator = ValidateLifetime,
    };

    /// <summary>The library's lifetime rules on the injected clock (its own TimeProvider hook is internal in 8.16).</summary>
    private bool ValidateLifetime(DateTime? notBefore, DateTime? expires, SecurityToken token, TokenValidationParameters parameters)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        if (expires is null)
        {
            throw new SecurityTokenNoExpirationException("The token has no exp.");
        }

        if (notBefore > expires)
        {
            throw new SecurityTokenInvalidLifetimeException("The token's nbf is after its exp.") { NotBefore = notBefore, Expires = expires };
        }

        if (notBefore > now + _settings.ClockSkew)
        {
            throw new SecurityTokenNotYetValidException("The token is not valid yet.") { NotBefore = notBefore.Value };
        }

        if (expires < now - _settings.ClockSkew)
        {
            throw new SecurityTokenExpiredException("The token has expired.") { Expires = expires.Value };
        }

        return true;
    }

    private static GatewayError Classify(Exception? exception) => exception switch
    {
        SecurityTokenExpiredException => OidcErrors.TokenExpired,
        SecurityTokenNotYetValidException => OidcErrors.TokenNotYetValid,
        SecurityTokenInvalidIssuerException => OidcErrors.WrongIssuer,
        SecurityTokenInvalidAudienceException => OidcErrors.WrongAudience,
        SecurityTokenInvalidAlgorithmException => OidcErrors.AlgorithmNotAllowed,
        SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException => OidcErrors.InvalidSignature,
        SecurityTokenNoExpirationException or SecurityTokenInvalidLifetimeException or SecurityTokenInvalidTypeException
            or SecurityTokenMalformedException or ArgumentException => OidcErrors.MalformedToken,
        _ => GatewayErrors.InvalidToken,
    };

    /// <summary>
    /// Subject, client id and groups from the validated payload, after <see cref="TokenClaimRules"/>; the refusal when a
    /// rule fails or the subject is missing.
    /// </summary>
    private GatewayError? ReadIdentity(byte[] payload, DateTime validTo, string tokenHash, out GatewayIdentity identity)
    {
        identity = null!;
        using var document = JsonDocument.Parse(payload);
        var root = document.RootElement;
        var expiresAt = new DateTimeOffset(DateTime.SpecifyKind(validTo, DateTimeKind.Utc));
        if (TokenClaimRules.Check(root, expiresAt, _time.GetUtcNow(), _settings) is { } refusal)
        {
            return refusal;
        }

        if (!root.TryGetProperty(_settings.SubjectClaim, out var subjectClaim) || subjectClaim.ValueKind != JsonValueKind.String
            || subjectClaim.GetString() is not { Length: > 0 } subject)
        {
            return OidcErrors.MalformedToken;
        }

        string? clientId = null;
        foreach (var name in _settings.ClientIdClaims)
        {
            if (root.TryGetProperty(name, out var claim) && claim.ValueKind == JsonValueKind.String)
            {
                clientId = claim.GetString();
                break;
            }
        }

        var groups = new List<string>();
        if (root.TryGetProperty(_settings.GroupsClaim, out var groupsClaim))
        {
            if (groupsClaim.ValueKind == JsonValueKind.Array)
            {
                // Okta group names may contain spaces; only a plain string is split.
                foreach (var group in groupsClaim.EnumerateArray())
                {
                    if (group.ValueKind == JsonValueKind.String && group.GetString() is { Length: > 0 } name)
                    {
                        groups.Add(name);
                    }
                }
            }
            else if (groupsClaim.ValueKind == JsonValueKind.String)
            {
                groups.AddRange(groupsClaim.GetString()!.Split(' ', StringSplitOptions.RemoveEmptyEntries));
            }
        }

        identity = new GatewayIdentity(subject, clientId, groups, expiresAt, tokenHash);
        return null;
    }

    private AuthenticationOutcome Refuse(string tokenHash, GatewayError error)
    {
        OidcLog.TokenRefused(_logger, TokenHash.Prefix(tokenHash), error.Reason);
        return AuthenticationOutcome.Failure(error);
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _keys.StartAsync(cancellationToken).ConfigureAwait(false);
        if (!_keys.IsReady)
        {
            OidcLog.NotReady(_logger, _settings.Issuer);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => _keys.StopAsync();

    public ValueTask DisposeAsync()
    {
        _introspector?.Dispose();
        return _keys.DisposeAsync();
    }
}
