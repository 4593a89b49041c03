using McpGateway.Inspectors.Authentication;
using McpGateway.Tests.Infrastructure;
using static McpGateway.Tests.Authentication.OidcAuthenticatorTests;

namespace McpGateway.Tests.Authentication;

/// <summary>
/// How <see cref="OidcAuthenticator"/> keeps the issuer's keys: refreshed on schedule, fetched again for an unknown kid
/// at most once per interval whatever the flood, through a key rotation at the issuer, and through the issuer being down
/// at start or at refresh. Clocks are manual; fetches are counted at the provider.
/// </summary>
[TestFixture]
internal sealed class OidcKeyRefreshTests
{
    private OidcProvider _provider = null!;

    [OneTimeSetUp]
    public async Task StartProviderAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        _provider = await OidcProvider.StartAsync(timeout.Token);
    }

    [OneTimeTearDown]
    public async Task StopProviderAsync() => await _provider.DisposeAsync();

    [Test]
    [CancelAfter(20000)]
    public async Task AuthenticateAsync_FloodOfUnknownKids_AtMostOneJwksFetchPerInterval(CancellationToken cancellationToken)
    {
        var clock = new ManualTimeProvider();
        await using var authenticator = await StartAuthenticatorAsync(_provider.Settings(), clock);
        using var stranger = TokenForge.Stranger();
        var valid = await _provider.GetTokenAsync(OidcProvider.Alice, cancellationToken);
        await _provider.SyncRequestLogAsync(cancellationToken);
        var before = _provider.JwksFetches;

        var first = await FloodAsync(authenticator, stranger, clock, 200, cancellationToken);
        await _provider.SyncRequestLogAsync(cancellationToken);
        var afterFirst = _provider.JwksFetches;
        var second = await FloodAsync(authenticator, stranger, clock, 200, cancellationToken);
        await _provider.SyncRequestLogAsync(cancellationToken);
        var afterSecond = _provider.JwksFetches;
        clock.Advance(authenticator.Keys.Current!.LoadedAt + TimeSpan.FromMinutes(5) - clock.GetUtcNow());
        var third = await FloodAsync(authenticator, stranger, clock, 200, cancellationToken);
        await _provider.SyncRequestLogAsync(cancellationToken);
        var afterThird = _provider.JwksFetches;
        var stillValid = await authenticator.AuthenticateAsync(valid, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(first.Concat(second).Concat(third), Has.All.EqualTo("invalid_signature"));
            Assert.That(afterFirst - before, Is.EqualTo(1), "200 unknown kids: one fetch");
            Assert.That(afterSecond - afterFirst, Is.Zero, "200 more within the interval: no fetch");
            Assert.That(afterThird - afterSecond, Is.EqualTo(1), "200 more after the interval: one fetch");
            Assert.That(stillValid.Identity, Is.Not.Null, "the real keys still work");
        });
    }

    [Test]
    [CancelAfter(20000)]
    public async Task AuthenticateAsync_IssuerRotatedItsKeys_NewKeyAfterOneFetchAndOldKeyRefused(CancellationToken cancellationToken)
    {
        await using var provider = await OidcProvider.StartAsync(cancellationToken);
        await using var authenticator = await StartAuthenticatorAsync(provider.Settings(), new ManualTimeProvider());
        var oldToken = await provider.GetTokenAsync(OidcProvider.Alice, cancellationToken);
        var beforeRotation = await authenticator.AuthenticateAsync(oldToken, cancellationToken);

        await provider.RestartAsync(cancellationToken);
        var newToken = await provider.GetTokenAsync(OidcProvider.Alice, cancellationToken);
        var newEs256Token = await provider.GetTokenAsync(OidcProvider.Admin, cancellationToken, resource: OidcProvider.Es256Audience);
        await provider.SyncRequestLogAsync(cancellationToken);
        var fetchesBefore = provider.JwksFetches;
        var afterRotation = await authenticator.AuthenticateAsync(newToken, cancellationToken);
        var es256AfterRotation = await authenticator.AuthenticateAsync(newEs256Token, cancellationToken);
        var oldAfterRotation = await authenticator.AuthenticateAsync(oldToken, cancellationToken);
        await provider.SyncRequestLogAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(beforeRotation.Identity, Is.Not.Null, beforeRotation.Error?.Reason);
            Assert.That(afterRotation.Identity?.Subject, Is.EqualTo("agent-alice"), afterRotation.Error?.Reason);
            Assert.That(es256AfterRotation.Identity?.Subject, Is.EqualTo("agent-admin"), es256AfterRotation.Error?.Reason);
            Assert.That(oldAfterRotation.Error?.Reason, Is.EqualTo("invalid_signature"));
            Assert.That(provider.JwksFetches - fetchesBefore, Is.EqualTo(1), "one fetch brought the new keys");
        });
    }

    [Test]
    [CancelAfter(20000)]
    public async Task AuthenticateAsync_IssuerDownAtStart_NotReadyAndRefusedUntilTheKeysLoad(CancellationToken cancellationToken)
    {
        var port = OidcProvider.FreePort();
        var clock = new ManualTimeProvider();
        await using var authenticator = await StartAuthenticatorAsync(OidcProvider.SettingsFor(OidcProvider.IssuerFor(port)), clock);
        var readyAtStart = authenticator.IsReady;
        using var stranger = TokenForge.Stranger();
        var whileDown = await authenticator.AuthenticateAsync(
            stranger.SignRs256(stranger.RsaHeader(), TokenForge.Claims(OidcProvider.IssuerFor(port), OidcProvider.Audience, clock.GetUtcNow())), cancellationToken);

        await using var provider = await OidcProvider.StartAsync(cancellationToken, new OidcProviderOptions { Port = port });
        var token = await provider.GetTokenAsync(OidcProvider.Alice, cancellationToken);
        var beforeRetry = await authenticator.AuthenticateAsync(token, cancellationToken);
        await provider.SyncRequestLogAsync(cancellationToken);
        var fetchesBeforeRetry = provider.JwksFetches;
        await AdvanceUntilAsync(clock, TimeSpan.FromSeconds(1), () => authenticator.IsReady, cancellationToken);
        var afterRetry = await authenticator.AuthenticateAsync(token, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(readyAtStart, Is.False);
            Assert.That(whileDown.Error?.Reason, Is.EqualTo("idp_unavailable"));
            Assert.That(beforeRetry.Error?.Reason, Is.EqualTo("idp_unavailable"), "the on-demand fetch is spent for this interval");
            Assert.That(fetchesBeforeRetry, Is.Zero, "tokens alone did not make the gateway hammer the issuer");
            Assert.That(afterRetry.Identity?.Subject, Is.EqualTo("agent-alice"), afterRetry.Error?.Reason);
        });
    }

    [Test]
    [CancelAfter(20000)]
    public async Task AuthenticateAsync_IssuerDownAtRefresh_CachedKeysWorkUntilMaxStaleness(CancellationToken cancellationToken)
    {
        // Signs with the shared provider's keys, so that a restart does not rotate them.
        await using var provider = await OidcProvider.StartAsync(cancellationToken, new OidcProviderOptions { SigningKeys = _provider.PrivateJwks });
        var clock = new ManualTimeProvider();
        // The token must outlive a day of key staleness, so this gateway accepts tokens of up to three days.
        await using var authenticator = await StartAuthenticatorAsync(provider.Settings() with { MaxTokenLifetime = TimeSpan.FromDays(3) }, clock);
        var token = await provider.GetTokenAsync(OidcProvider.Alice, cancellationToken, lifetime: TimeSpan.FromDays(3));

        await provider.StopAsync();
        clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        var refreshed = await authenticator.Keys.RefreshAsync().WaitAsync(cancellationToken);
        var afterFailedRefresh = await authenticator.AuthenticateAsync(token, cancellationToken);
        var readyAfterFailedRefresh = authenticator.IsReady;

        clock.Advance(TimeSpan.FromHours(23));
        var readyWhenStale = authenticator.IsReady;
        var whenStale = await authenticator.AuthenticateAsync(token, cancellationToken);

        await provider.RestartAsync(cancellationToken);
        await AdvanceUntilAsync(clock, TimeSpan.FromSeconds(10), () => authenticator.IsReady, cancellationToken);
        var afterRecovery = await authenticator.AuthenticateAsync(token, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(refreshed, Is.False, "the refresh failed");
            Assert.That(afterFailedRefresh.Identity, Is.Not.Null, afterFailedRefresh.Error?.Reason);
            Assert.That(readyAfterFailedRefresh, Is.True);
            Assert.That(readyWhenStale, Is.False, "keys older than maxKeyStaleness");
            Assert.That(whenStale.Error?.Reason, Is.EqualTo("idp_unavailable"));
            Assert.That(afterRecovery.Identity, Is.Not.Null, afterRecovery.Error?.Reason);
        });
    }

    [Test]
    [CancelAfter(20000)]
    public async Task KeyCache_KeyRefreshIntervalPassed_FetchesAgainInTheBackground(CancellationToken cancellationToken)
    {
        var clock = new ManualTimeProvider();
        await using var authenticator = await StartAuthenticatorAsync(_provider.Settings(), clock);
        var loadedAt = authenticator.Keys.Current!.LoadedAt;
        await _provider.SyncRequestLogAsync(cancellationToken);
        var before = _provider.JwksFetches;

        clock.Advance(TimeSpan.FromMinutes(59));
        await _provider.SyncRequestLogAsync(cancellationToken);
        var beforeInterval = _provider.JwksFetches;
        clock.Advance(TimeSpan.FromMinutes(1));
        await WaitUntilAsync(() => authenticator.Keys.Current!.LoadedAt > loadedAt, cancellationToken);
        await _provider.SyncRequestLogAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(beforeInterval, Is.EqualTo(before));
            Assert.That(_provider.JwksFetches, Is.EqualTo(before + 1));
            Assert.That(authenticator.Keys.Current!.LoadedAt, Is.EqualTo(loadedAt + TimeSpan.FromHours(1)));
        });
    }

    private static async Task<string?[]> FloodAsync(OidcAuthenticator authenticator, TokenForge stranger, TimeProvider clock, int count, CancellationToken cancellationToken)
    {
        var claims = TokenForge.Claims("http://127.0.0.1", OidcProvider.Audience, clock.GetUtcNow());
        var tokens = Enumerable.Range(0, count)
            .Select(_ => stranger.SignRs256(new System.Text.Json.Nodes.JsonObject { ["alg"] = "RS256", ["kid"] = TokenForge.NewKeyId() }, claims))
            .ToArray();
        var outcomes = await Task.WhenAll(tokens.Select(t => authenticator.AuthenticateAsync(t, cancellationToken).AsTask()));
        return [.. outcomes.Select(o => o.Error?.Reason)];
    }

    /// <summary>Moves the clock a step at a time (the background retry runs on it) until <paramref name="condition"/> holds.</summary>
    private static async Task AdvanceUntilAsync(ManualTimeProvider clock, TimeSpan step, Func<bool> condition, CancellationToken cancellationToken)
    {
        while (!condition())
        {
            clock.Advance(step);
            await Task.Delay(20, cancellationToken);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        while (!condition())
        {
            await Task.Delay(10, cancellationToken);
        }
    }
}
