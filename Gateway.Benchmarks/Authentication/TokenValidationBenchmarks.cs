using BenchmarkDotNet.Attributes;
using McpGateway.Core.Configuration;
using McpGateway.Host.Demo;
using McpGateway.Inspectors.Authentication;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpGateway.Benchmarks.Authentication;

/// <summary>
/// What one <c>mcpgateway/authenticate</c> costs with the issuer's keys cached: the full OIDC validation of a
/// new RS256 access token (pre-checks, signature, issuer, audience, lifetime, claims) and a repeated one, against
/// the development authenticator's bare token hash as the baseline. The issuer runs on loopback only to load the keys once.
/// </summary>
[MemoryDiagnoser]
public class TokenValidationBenchmarks : IDisposable
{
    private static readonly string[] Groups = ["mcp-users", "engineering"];

    private DevelopmentIssuer _issuer = null!;
    private OidcAuthenticator _oidc = null!;
    private DevelopmentAuthenticator _none = null!;
    private string _token = "";
    private string[] _fresh = [];
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _issuer = DevelopmentIssuer.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        var settings = new OidcSettings { Issuer = _issuer.Issuer, Audiences = [DevelopmentIssuer.Audience], RequireHttpsMetadata = false };
        _oidc = new OidcAuthenticator(settings, TimeProvider.System, NullLogger<OidcAuthenticator>.Instance);
        _oidc.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        _none = new DevelopmentAuthenticator(TimeProvider.System);
        _token = _issuer.IssueToken("agent-bench", Groups, TimeSpan.FromHours(1));

        // More distinct tokens than the accepted-token cache holds, so every call validates in full.
        _fresh = new string[8192];
        for (var i = 0; i < _fresh.Length; i++)
        {
            _fresh[i] = _issuer.IssueToken("agent-bench-" + i, Groups, TimeSpan.FromHours(1));
        }
        var check = _oidc.AuthenticateAsync(_token, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        if (check.Identity is null)
        {
            throw new InvalidOperationException($"the benchmark token is not valid: {check.Error}");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_issuer is null)
        {
            return;
        }

        _oidc.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _issuer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _issuer = null!;
    }

    public void Dispose()
    {
        Cleanup();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true)]
    public object? AuthNone() => _none.AuthenticateAsync(_token, CancellationToken.None).AsTask().GetAwaiter().GetResult().Identity;

    /// <summary>An agent reconnecting with the token it holds: served from the accepted-token cache.</summary>
    [Benchmark]
    public object? OidcRs256RepeatedToken() => _oidc.AuthenticateAsync(_token, CancellationToken.None).AsTask().GetAwaiter().GetResult().Identity;

    /// <summary>A token never seen before: pre-checks, RS256 signature with the cached keys, issuer, audience, lifetime, claims.</summary>
    [Benchmark]
    public object? OidcRs256FreshToken()
    {
        var token = _fresh[_next++ & (_fresh.Length - 1)];
        return _oidc.AuthenticateAsync(token, CancellationToken.None).AsTask().GetAwaiter().GetResult().Identity;
    }
}
