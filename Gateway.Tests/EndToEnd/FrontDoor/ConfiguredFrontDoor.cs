using System.Globalization;
using McpGateway.Core.Configuration;
using McpGateway.Inspectors;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;
using ModelContextProtocol.Client;

namespace McpGateway.Tests.EndToEnd.FrontDoor;

/// <summary>
/// A gateway started by <c>mcpgw</c>'s loader from the file <see cref="FrontDoorGatewayConfig"/> writes into a fresh
/// directory, with OIDC against a real OpenID provider shaped like Okta, and a token of <see cref="OidcProvider.Alice"/>.
/// </summary>
internal sealed class ConfiguredFrontDoor : IAsyncDisposable
{
    private ConfiguredFrontDoor(OidcProvider provider, DirectoryInfo directory, GatewayHarness gateway, string connection, string token)
    {
        Provider = provider;
        Directory = directory;
        Gateway = gateway;
        Connection = connection;
        Token = token;
    }

    public OidcProvider Provider { get; }

    public DirectoryInfo Directory { get; }

    public GatewayHarness Gateway { get; }

    public string Connection { get; }

    /// <summary>Alice's access token.</summary>
    public string Token { get; }

    /// <summary>The front door's MCP endpoint for <see cref="Connection"/>.</summary>
    public Uri Url => new(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{Gateway.Application.FrontDoorEndpoint!.Port}/mcp/{Connection}"));

    public string AuditPath => FrontDoorGatewayConfig.AuditPath(Directory);

    /// <param name="connectionJson">The connection's JSON object.</param>
    /// <param name="extraRules">Policy rules before the fixed ones (see <see cref="FrontDoorGatewayConfig.WriteAsync"/>).</param>
    /// <param name="extraSections">Top-level members added to the file (see <see cref="FrontDoorGatewayConfig.WriteAsync"/>).</param>
    public static async Task<ConfiguredFrontDoor> StartAsync(
        string connection,
        string connectionJson,
        CancellationToken cancellationToken,
        string extraRules = "",
        string extraSections = "")
    {
        var provider = await OidcProvider.StartAsync(cancellationToken, new OidcProviderOptions { IssuerPath = "/oauth2/default", OktaStyle = true });
        var directory = System.IO.Directory.CreateTempSubdirectory("mcpgw-frontdoor-");
        GatewayHarness? gateway = null;
        try
        {
            var path = await FrontDoorGatewayConfig.WriteAsync(directory, provider.Issuer, connection, connectionJson, cancellationToken, extraRules, extraSections);
            gateway = await GatewayHarness.StartAsync(GatewayConfiguration.LoadFile(path), cancellationToken);
            var token = await provider.GetTokenAsync(OidcProvider.Alice, cancellationToken);
            return new ConfiguredFrontDoor(provider, directory, gateway, connection, token);
        }
        catch
        {
            if (gateway is not null)
            {
                await gateway.DisposeAsync();
            }

            await provider.DisposeAsync();
            directory.Delete(recursive: true);
            throw;
        }
    }

    /// <summary>The C# SDK's Streamable HTTP transport to <see cref="Url"/> with Alice's token, as an HTTP-only client configures it.</summary>
    public HttpClientTransport CSharpTransport() => new(new HttpClientTransportOptions
    {
        Endpoint = Url,
        TransportMode = HttpTransportMode.StreamableHttp,
        AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + Token },
    });

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Provider.DisposeAsync();
        Directory.Delete(recursive: true);
    }
}
