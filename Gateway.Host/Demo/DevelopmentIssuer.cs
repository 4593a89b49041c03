using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace McpGateway.Host.Demo;

/// <summary>
/// DEVELOPMENT ONLY. A throwaway OpenID issuer for <c>mcpgw demo</c>: an RSA key generated at start, a discovery
/// document and a JWKS on 127.0.0.1, and RS256 access tokens minted in-process. The gateway validates them exactly
/// as it validates Okta's (discovery, JWKS, issuer, audience, expiry, algorithm), so the demo needs no IdP.
/// </summary>
internal sealed class DevelopmentIssuer : IAsyncDisposable
{
    public const string Audience = "api://mcp-gateway";

    private static readonly string[] Algorithms = ["RS256"];

    private readonly WebApplication _app;
    private readonly RsaSecurityKey _key;
    private readonly ListenOptions _listen;

    private DevelopmentIssuer(WebApplication app, RsaSecurityKey key, ListenOptions listen)
    {
        _app = app;
        _key = key;
        _listen = listen;
    }

    public string Issuer => $"http://{_listen.IPEndPoint}";

    public static async Task<DevelopmentIssuer> StartAsync(CancellationToken cancellationToken)
    {
        var key = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "dev-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)) };
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        ListenOptions? listen = null;
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => listen = o));
        var app = builder.Build();
        DevelopmentIssuer? issuer = null;
        app.MapGet("/.well-known/openid-configuration", () => Results.Text(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["issuer"] = issuer!.Issuer,
            ["jwks_uri"] = issuer.Issuer + "/jwks",
            ["token_endpoint"] = issuer.Issuer + "/token",
            ["id_token_signing_alg_values_supported"] = Algorithms,
        }), "application/json"));
        app.MapGet("/jwks", () =>
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(key.Rsa.ExportParameters(false)) { KeyId = key.KeyId });
            var json = new Dictionary<string, object>
            {
                ["keys"] = new[] { new Dictionary<string, string> { ["kty"] = "RSA", ["use"] = "sig", ["alg"] = "RS256", ["kid"] = key.KeyId!, ["n"] = jwk.N, ["e"] = jwk.E } },
            };
            return Results.Text(JsonSerializer.Serialize(json), "application/json");
        });
        await app.StartAsync(cancellationToken);
        issuer = new DevelopmentIssuer(app, key, listen!);
        return issuer;
    }

    /// <summary>An RS256 access token for <paramref name="subject"/>, shaped like Okta's (<c>groups</c>, <c>cid</c>).</summary>
    public string IssueToken(string subject, IReadOnlyList<string> groups, TimeSpan lifetime) =>
        Sign(_key, subject, groups, lifetime);

    /// <summary>The same token signed by a key the issuer never published: what a forger could make.</summary>
    public string ForgeToken(string subject) =>
        Sign(new RsaSecurityKey(RSA.Create(2048)) { KeyId = _key.KeyId }, subject, ["mcp-admins"], TimeSpan.FromMinutes(5));

    private string Sign(RsaSecurityKey key, string subject, IReadOnlyList<string> groups, TimeSpan lifetime)
    {
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        var claims = new Dictionary<string, object>
        {
            ["sub"] = subject,
            ["cid"] = subject,
            ["groups"] = groups.ToArray(),
            ["jti"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)),
        };
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            Claims = claims,
            TokenType = "at+jwt",
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _key.Rsa.Dispose();
    }
}
