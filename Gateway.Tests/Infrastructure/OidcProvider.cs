using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using McpGateway.Core.Configuration;

namespace McpGateway.Tests.Infrastructure;

/// <summary>
/// A real OpenID provider on 127.0.0.1 (peers/oidc-provider.mjs, panva/oidc-provider) standing in for Okta: discovery,
/// a JWKS with an RS256 and an ES256 key (fresh on every start, so a restart rotates them), and JWT access tokens by the
/// client-credentials grant with a <c>groups</c> claim. Every request it receives is logged, so tests can count JWKS fetches.
/// </summary>
internal sealed class OidcProvider : IAsyncDisposable
{
    public const string Audience = "api://mcp-gateway";
    public const string Es256Audience = "api://mcp-gateway-es256";
    public const string OtherAudience = "api://other-service";

    public const string Alice = "agent-alice";
    public const string Admin = "agent-admin";
    public const string NoGroups = "agent-nogroups";

    /// <summary>Its tokens carry no <c>groups</c> but an Entra ID style overage marker (<c>_claim_names</c>/<c>_claim_sources</c>).</summary>
    public const string Overage = "agent-overage";

    /// <summary>The gateway's own client at the provider, for token introspection; its secret is <see cref="GatewayClientSecret"/>.</summary>
    public const string GatewayClient = "mcp-gateway";
    public const string GatewayClientSecret = "gateway-secret";

    private const string JwksPrefix = "OIDC_JWKS ";
    private const string RequestPrefix = "OIDC_REQUEST ";

    // Fits a loaded 2-core machine: node loading oidc-provider there has taken over 15 s.
    private static readonly TimeSpan _startTimeout = TimeSpan.FromSeconds(90);

    // Start-up is tried this many times, each given a share of the budget.
    private const int StartAttempts = 3;
    private static readonly TimeSpan _attemptTimeout = _startTimeout / StartAttempts;

    private static readonly Dictionary<string, string> _secrets = new(StringComparer.Ordinal)
    {
        [Alice] = "alice-secret",
        [Admin] = "admin-secret",
        [NoGroups] = "nogroups-secret",
        [Overage] = "overage-secret",
    };

    private readonly OidcProviderOptions _options;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly List<string> _earlierRequests = [];
    private ChildProcess? _process;

    private OidcProvider(OidcProviderOptions options, int port)
    {
        _options = options;
        Port = port;
    }

    public int Port { get; }

    public string Issuer => string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{Port}{_options.IssuerPath}");

    /// <summary>The private JWKS of the running instance, to start another provider with the same keys.</summary>
    public string PrivateJwks { get; private set; } = "";

    public bool IsRunning => _process is { HasExited: false };

    public static async Task<OidcProvider> StartAsync(CancellationToken cancellationToken, OidcProviderOptions? options = null)
    {
        options ??= OidcProviderOptions.Default;
        NodePeers.EnsureInstalled();
        for (var attempt = 1; ; attempt++)
        {
            // A port of our choosing, so readiness is the discovery document answering there, not a line on stdout.
            var port = options.Port != 0 ? options.Port : FreePort();
            var provider = new OidcProvider(options, port) { _process = Launch(options, port) };
            try
            {
                await provider.WaitUntilServingAsync(_attemptTimeout, cancellationToken);
                return provider;
            }
            catch (Exception e) when (attempt < StartAttempts && e is TimeoutException or InvalidOperationException)
            {
                // Seen rarely on CI: the process loads its modules and then never gets to listening (no CPU used); or
                // the free port was taken by someone else meanwhile (the process exits). Another process starts in
                // well under a second; the failure is reported if that one fails too.
                await provider.DisposeAsync();
            }
            catch
            {
                await provider.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>A port nothing listens on right now, for a provider a test starts later.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The issuer a provider started with <paramref name="options"/> on <paramref name="port"/> will have.</summary>
    public static string IssuerFor(int port, OidcProviderOptions? options = null) =>
        string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}{options?.IssuerPath}");

    /// <summary>Gateway settings for this issuer (http on loopback), accepting the RS256 and the ES256 audience.</summary>
    public OidcSettings Settings() => SettingsFor(Issuer);

    public static OidcSettings SettingsFor(string issuer) => new()
    {
        Issuer = issuer,
        Audiences = [Audience, Es256Audience],
        RequireHttpsMetadata = false,
    };

    /// <summary>An access token for <paramref name="client"/> by the client-credentials grant (client_secret_basic).</summary>
    /// <param name="resource">The audience; by default <see cref="Audience"/> (RS256).</param>
    /// <param name="lifetime">This token's lifetime instead of the provider's default.</param>
    public async Task<string> GetTokenAsync(string client, CancellationToken cancellationToken, string? resource = null, TimeSpan? lifetime = null)
    {
        var form = new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "mcp:tools" };
        if (resource is not null)
        {
            form["resource"] = resource;
        }

        if (lifetime is { } ttl)
        {
            form["ttl"] = ((int)Math.Ceiling(ttl.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, Issuer + "/token") { Content = new FormUrlEncodedContent(form) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{client}:{_secrets[client]}")));
        using var response = await _http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"token request for {client} failed: {(int)response.StatusCode} {body}");
        }

        return (string?)JsonNode.Parse(body)?["access_token"] ?? throw new InvalidOperationException($"no access_token in {body}");
    }

    /// <summary>RFC 7662 introspection of the JWT access tokens this provider issued (the peer's <c>/jwt/introspect</c>).</summary>
    public Uri IntrospectionEndpoint => new(Issuer + "/jwt/introspect");

    /// <summary>Revokes <paramref name="token"/> (RFC 7009) as the client it was issued to; introspection says inactive from now on.</summary>
    public async Task RevokeAsync(string token, string client, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Issuer + "/jwt/revoke")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token, ["token_type_hint"] = "access_token" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{client}:{_secrets[client]}")));
        using var response = await _http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>How many introspection requests the provider received; call <see cref="SyncRequestLogAsync"/> first.</summary>
    public int Introspections => Requests().Count(r => r == "POST /jwt/introspect");

    /// <summary>
    /// How many <c>GET /jwks</c> the provider received (across restarts). Call <see cref="SyncRequestLogAsync"/> first so
    /// that every request made so far is in the log.
    /// </summary>
    public int JwksFetches => Requests().Count(r => r == "GET /jwks");

    /// <summary>Sends a marker request and waits until the provider logged it: every earlier request is logged by then.</summary>
    public async Task SyncRequestLogAsync(CancellationToken cancellationToken)
    {
        var marker = "/sync-" + Guid.NewGuid().ToString("N");
        using var response = await _http.GetAsync(Issuer + marker, cancellationToken);
        await _process!.WaitForLineAsync(l => l == RequestPrefix + "GET " + marker, _startTimeout, cancellationToken);
    }

    /// <summary>Stops the provider (the issuer is down) until <see cref="RestartAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (_process is null)
        {
            return;
        }

        _earlierRequests.AddRange(Requests(_process));
        await _process.DisposeAsync();
        _process = null;
    }

    /// <summary>Starts again on the same port and issuer, with fresh keys (a key rotation) unless it was given its keys.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken)
    {
        await StopAsync();
        _process = Launch(_options, Port);
        await WaitUntilServingAsync(_startTimeout, cancellationToken);
    }

    /// <summary>
    /// Waits until the discovery document answers with this issuer (the provider is listening and configured), then reads
    /// the keys it printed before it could answer.
    /// </summary>
    private async Task WaitUntilServingAsync(TimeSpan budget, CancellationToken cancellationToken)
    {
        var discovery = Issuer + "/.well-known/openid-configuration";
        await PeerStartup.WaitUntilServingAsync(
            _process!,
            $"the OIDC provider ({RepoPaths.OidcProviderScript}, issuer {Issuer})",
            async token =>
            {
                using var response = await _http.GetAsync(discovery, token);
                return response.IsSuccessStatusCode
                    && (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync(token))?["issuer"] == Issuer;
            },
            budget,
            cancellationToken);
        await ReadJwksAsync(cancellationToken);
    }

    private static ChildProcess Launch(OidcProviderOptions options, int port)
    {
        var environment = new Dictionary<string, string?>
        {
            ["OIDC_PORT"] = port.ToString(CultureInfo.InvariantCulture),
            ["OIDC_ISSUER_PATH"] = options.IssuerPath,
            ["OIDC_OKTA_STYLE"] = options.OktaStyle ? "1" : null,
            ["OIDC_TOKEN_TTL"] = options.TokenLifetime is { } ttl ? ((int)ttl.TotalSeconds).ToString(CultureInfo.InvariantCulture) : null,
            ["OIDC_SIGNING_KEYS"] = options.SigningKeys,
            ["OIDC_JWT_CLIENTS"] = options.JwtClients,
            ["OIDC_EXTRA_AUDIENCES"] = options.ExtraAudiences,
            ["OIDC_PEOPLE"] = options.People,
            ["OIDC_CONSOLE_CLIENTS"] = options.ConsoleClients,
            ["OIDC_PRINT_JWKS"] = "1",
            ["OIDC_LOG_REQUESTS"] = "1",
        };
        return ChildProcess.Start("node", [RepoPaths.OidcProviderScript], environment, RepoPaths.Peers);
    }

    private async Task ReadJwksAsync(CancellationToken cancellationToken)
    {
        var line = await _process!.WaitForLineAsync(l => l.StartsWith(JwksPrefix, StringComparison.Ordinal), _startTimeout, cancellationToken);
        PrivateJwks = line[JwksPrefix.Length..];
    }

    private List<string> Requests() => _process is null ? _earlierRequests : [.. _earlierRequests, .. Requests(_process)];

    private static IEnumerable<string> Requests(ChildProcess process) =>
        process.OutputLines.Where(l => l.StartsWith(RequestPrefix, StringComparison.Ordinal)).Select(l => l[RequestPrefix.Length..]);

    /// <summary>stdout and stderr of the running instance, for assertion messages.</summary>
    public string Describe() => _process?.Describe() ?? "(stopped)";

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _http.Dispose();
    }
}
