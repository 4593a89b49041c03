using System.Collections.Frozen;
using System.IO.Pipelines;
using System.Net;
using McpGateway.Core.Chain;
using McpGateway.Core.Configuration;
using McpGateway.Core.Hosting;
using McpGateway.Core.Identity;
using McpGateway.Core.Sessions;
using McpGateway.Core.Upstreams;
using McpGateway.Inspectors;
using McpGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpGateway.Tests.Sessions;

/// <summary>
/// A real <see cref="GatewayRuntime"/> and chain (development authentication, optional middle inspectors) over in-memory
/// transports and a manual clock, as Kestrel's in-memory tests drive its connection code without sockets.
/// </summary>
internal sealed class SessionRig : IAsyncDisposable
{
    public const string Connection = "test";

    private readonly ServiceProvider _services;

    public SessionRig(IUpstreamChannel upstream, Action<IServiceCollection>? inspectors = null, string[]? middle = null, TimeSpan? requestTimeout = null, TimeSpan? idleTimeout = null)
    {
        Upstream = upstream;
        var settings = new GatewaySettings
        {
            Endpoint = new IPEndPoint(IPAddress.Loopback, 0),
            AuthMode = AuthMode.None,
            Inspectors = middle ?? [],
            ConnectionLimits = new ConnectionLimits { IdleTimeout = idleTimeout ?? ConnectionLimits.DefaultIdleTimeout },
            Connections = new Dictionary<string, ConnectionSettings>
            {
                [Connection] = new TcpConnectionSettings { Name = Connection, Host = "127.0.0.1", Port = 1, RequestTimeout = requestTimeout ?? ConnectionSettings.DefaultRequestTimeout },
            }.ToFrozenDictionary(StringComparer.Ordinal),
        };

        var services = new ServiceCollection().AddLogging().AddSingleton<TimeProvider>(Clock).AddSingleton(settings);
        services.AddBuiltInInspectors(settings);
        inspectors?.Invoke(services);
        _services = services.BuildServiceProvider();
        var chain = InspectorChainBuilder.Build(_services.GetServices<InspectorRegistration>(), settings.Inspectors, _services, NullLogger.Instance);
        Runtime = new GatewayRuntime(settings, chain, _services.GetRequiredService<IGatewayAuthenticator>(), Clock, NullLoggerFactory.Instance, new Connector(upstream), recorder: Recorder);
    }

    public ManualTimeProvider Clock { get; } = new();

    public FakeRecorder Recorder { get; } = new();

    public GatewayRuntime Runtime { get; }

    public IUpstreamChannel Upstream { get; }

    /// <summary>A session whose client speaks NDJSON over in-memory pipes; <paramref name="client"/> is the client's end.</summary>
    public GatewaySession NdjsonSession(out PipeClient client)
    {
        client = new PipeClient();
        return new GatewaySession(Runtime, client.GatewaySide, "in-memory");
    }

    public async ValueTask DisposeAsync()
    {
        Runtime.Dispose();
        await _services.DisposeAsync();
    }

    private sealed class Connector(IUpstreamChannel upstream) : IUpstreamConnector
    {
        public ValueTask<IUpstreamChannel> ConnectAsync(ConnectionSettings connection, CancellationToken cancellationToken) => ValueTask.FromResult(upstream);
    }
}
