using System.Collections.Frozen;
using System.Net;
using McpGateway.Core.Configuration;
using McpGateway.Core.Hosting;
using McpGateway.Host.Commands;
using McpGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpGateway.Tests.EndToEnd.Support;

/// <summary>
/// A real gateway in the test process: Kestrel on 127.0.0.1 with an ephemeral port, the production composition
/// (<see cref="GatewayFactory"/>), and the given upstream connections. Dispose stops it.
/// </summary>
internal sealed class GatewayHarness : IAsyncDisposable
{
    private readonly GatewayApplication _app;

    private GatewayHarness(GatewayApplication app) => _app = app;

    public IPEndPoint Endpoint => _app.Endpoint;

    public GatewayApplication Application => _app;

    /// <summary>server-everything over stdio, the usual upstream.</summary>
    public static StdioConnectionSettings Everything(string name = "everything") => new()
    {
        Name = name,
        Command = "node",
        Args = [RepoPaths.ServerEverythingJs, "stdio"],
    };

    public static TcpConnectionSettings Tcp(string name, int port, TimeSpan? requestTimeout = null) => new()
    {
        Name = name,
        Host = "127.0.0.1",
        Port = port,
        ConnectRetries = 1,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        RequestTimeout = requestTimeout ?? ConnectionSettings.DefaultRequestTimeout,
    };

    public static GatewaySettings Settings(params ConnectionSettings[] connections) => new()
    {
        Endpoint = new IPEndPoint(IPAddress.Loopback, 0),
        AuthMode = AuthMode.None,
        Connections = connections.ToFrozenDictionary(c => c.Name, c => c, StringComparer.Ordinal),

        // Tests stop their gateway with sessions still open; they need not wait the production drain deadline.
        ShutdownTimeout = TimeSpan.FromSeconds(2),
    };

    public static Task<GatewayHarness> StartAsync(CancellationToken cancellationToken, params ConnectionSettings[] connections) =>
        StartAsync(Settings(connections), cancellationToken);

    /// <param name="logging">Replaces the default logging (console, Warning and above).</param>
    public static async Task<GatewayHarness> StartAsync(
        GatewaySettings settings,
        CancellationToken cancellationToken,
        Action<IServiceCollection>? configureServices = null,
        Action<ILoggingBuilder>? logging = null)
    {
        NodePeers.EnsureInstalled();
        var app = GatewayFactory.Create(settings, configureServices, logging ?? (builder => builder.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning)));
        await app.StartAsync(cancellationToken);
        return new GatewayHarness(app);
    }

    /// <summary>A raw line client that already authenticated to <paramref name="connection"/>.</summary>
    public async Task<RawMcpClient> ConnectAsync(string? connection, CancellationToken cancellationToken)
    {
        var client = await RawMcpClient.ConnectAsync(Endpoint, cancellationToken);
        var response = await client.AuthenticateAsync(connection, cancellationToken);
        if (response["result"] is null)
        {
            await client.DisposeAsync();
            throw new InvalidOperationException($"authenticate failed: {response.ToJsonString()}");
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
