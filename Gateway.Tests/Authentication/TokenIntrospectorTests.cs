using McpGateway.Core.Configuration;
using McpGateway.Core.Identity;
using McpGateway.Inspectors.Authentication;
using McpGateway.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpGateway.Tests.Authentication;

/// <summary><see cref="TokenIntrospector"/> against the real provider's introspection: active, revoked, and failing closed.</summary>
[TestFixture]
internal sealed class TokenIntrospectorTests
{
    private OidcProvider _provider = null!;
    private string _secretFile = null!;

    [OneTimeSetUp]
    public async Task StartProviderAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        _provider = await OidcProvider.StartAsync(timeout.Token);
        _secretFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(_secretFile, OidcProvider.GatewayClientSecret, timeout.Token);
    }

    [OneTimeTearDown]
    public async Task StopProviderAsync()
    {
        await _provider.DisposeAsync();
        File.Delete(_secretFile);
    }

    [Test]
    [CancelAfter(15000)]
    public async Task CheckAsync_ActiveThenRevokedAfterTheTtl_NullThenTokenRevoked(CancellationToken cancellationToken)
    {
        var clock = new ManualTimeProvider();
        using var introspector = Introspector(clock, _secretFile);
        var token = await _provider.GetTokenAsync(OidcProvider.Alice, cancellationToken);
        var identity = Identity(token, clock);

        var first = await introspector.CheckAsync(identity.TokenHash, token, identity.ExpiresAt, cancellationToken);
        await _provider.RevokeAsync(token, OidcProvider.Alice, cancellationToken);
        var cached = await introspector.RecheckAsync(identity, cancellationToken);
        clock.Advance(TimeSpan.FromSeconds(11));
        var afterTtl = await introspector.RecheckAsync(identity, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.Null);
            Assert.That(cached, Is.Null, "within the TTL the last answer holds");
            Assert.That(afterTtl?.Reason, Is.EqualTo("token_revoked"));
        });
    }

    [Test]
    [CancelAfter(15000)]
    public async Task CheckAsync_WrongClientSecret_IdpUnavailableFailClosed(CancellationToken cancellationToken)
    {
        var wrongSecret = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(wrongSecret, "not-the-secret", cancellationToken);
            using var introspector = Introspector(new ManualTimeProvider(), wrongSecret);
            var token = await _provider.GetTokenAsync(OidcProvider.Alice, cancellationToken);

            var refusal = await introspector.CheckAsync(TokenHash.Of(token), token, DateTimeOffset.UtcNow.AddMinutes(5), cancellationToken);

            Assert.That(refusal?.Reason, Is.EqualTo("idp_unavailable"));
        }
        finally
        {
            File.Delete(wrongSecret);
        }
    }

    [Test]
    [CancelAfter(15000)]
    public async Task RecheckAsync_IdentityNotFromAnIntrospectedToken_Null(CancellationToken cancellationToken)
    {
        using var introspector = Introspector(new ManualTimeProvider(), _secretFile);
        var certificateIdentity = new GatewayIdentity("cn=agent", null, [], DateTimeOffset.UtcNow.AddDays(1), "cert:sha256:00");

        Assert.That(await introspector.RecheckAsync(certificateIdentity, cancellationToken), Is.Null);
    }

    private TokenIntrospector Introspector(TimeProvider clock, string secretFile) => new(
        new IntrospectionSettings
        {
            Endpoint = _provider.IntrospectionEndpoint,
            ClientId = OidcProvider.GatewayClient,
            ClientSecret = new EnvironmentValue(EnvironmentValueSource.File, secretFile),
            CacheTtl = TimeSpan.FromSeconds(10),
        },
        clock,
        NullLogger.Instance);

    private static GatewayIdentity Identity(string token, TimeProvider clock) =>
        new(OidcProvider.Alice, OidcProvider.Alice, [], clock.GetUtcNow().AddMinutes(5), TokenHash.Of(token));
}
