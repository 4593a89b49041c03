using System.Collections.Frozen;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using McpGateway.Core.Configuration;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace McpGateway.Tests.EndToEnd.FrontDoor;

/// <summary>
/// A gateway with the HTTP front door on 127.0.0.1 (ephemeral port) and OIDC against a real OpenID provider shaped
/// like Okta (<see cref="OidcProvider"/>), with no clock skew so that a token is expired the moment its lifetime ends.
/// </summary>
internal sealed class FrontDoorRig : IAsyncDisposable
{
    public const string AllowedOrigin = "http://agent-console.example";

    private FrontDoorRig(OidcProvider provider, GatewayHarness gateway)
    {
        Provider = provider;
        Gateway = gateway;
        Http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
    }

    public OidcProvider Provider { get; }

    public GatewayHarness Gateway { get; }

    public HttpClient Http { get; }

    public int Port => Gateway.Application.FrontDoorEndpoint!.Port;

    public string Base => string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{Port}");

    public static Task<FrontDoorRig> StartAsync(Func<GatewaySettings, GatewaySettings>? configure, CancellationToken cancellationToken, params ConnectionSettings[] connections) =>
        StartAsync(configure, null, cancellationToken, connections);

    /// <param name="configureServices">Adds to the gateway's services (a test's clock, say).</param>
    public static async Task<FrontDoorRig> StartAsync(
        Func<GatewaySettings, GatewaySettings>? configure,
        Action<IServiceCollection>? configureServices,
        CancellationToken cancellationToken,
        params ConnectionSettings[] connections)
    {
        var provider = await OidcProvider.StartAsync(cancellationToken, new OidcProviderOptions { IssuerPath = "/oauth2/default", OktaStyle = true });
        try
        {
            var settings = GatewayHarness.Settings(connections) with
            {
                AuthMode = AuthMode.Oidc,
                Oidc = provider.Settings() with { ClockSkew = TimeSpan.Zero },
                FrontDoor = new FrontDoorSettings
                {
                    Endpoint = new IPEndPoint(IPAddress.Loopback, 0),
                    AllowedOrigins = new[] { AllowedOrigin }.ToFrozenSet(StringComparer.OrdinalIgnoreCase),
                    Scopes = ["mcp:tools"],
                },
            };
            var gateway = await GatewayHarness.StartAsync(configure is null ? settings : configure(settings), cancellationToken, configureServices);
            return new FrontDoorRig(provider, gateway);
        }
        catch
        {
            await provider.DisposeAsync();
            throw;
        }
    }

    public Uri Url(string connection) => new(Base + "/mcp/" + connection);

    public Task<string> TokenAsync(CancellationToken cancellationToken, string client = OidcProvider.Alice, string? resource = null, TimeSpan? lifetime = null) =>
        Provider.GetTokenAsync(client, cancellationToken, resource, lifetime);

    /// <summary>A POST the way a Streamable HTTP client sends it (both media types accepted).</summary>
    public static HttpRequestMessage Post(Uri url, string body, string? token, string? sessionId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (sessionId is not null)
        {
            request.Headers.Add("Mcp-Session-Id", sessionId);
        }

        return request;
    }

    public static string Initialize(string id = "1", string version = "2025-06-18") =>
        "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"" + version
        + "\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw-http\",\"version\":\"0.1\"}}}";

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Gateway.DisposeAsync();
        await Provider.DisposeAsync();
    }
}
