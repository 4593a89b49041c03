using System.Diagnostics;
using System.Net;
using McpGateway.Core.Admin;
using McpGateway.Core.Chain;
using McpGateway.Core.Configuration;
using McpGateway.Core.Diagnostics;
using McpGateway.Core.FrontDoor;
using McpGateway.Core.Identity;
using McpGateway.Core.Buffers;
using McpGateway.Core.Listener;
using McpGateway.Core.Recording;
using McpGateway.Core.Sessions;
using McpGateway.Core.Upstreams;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpGateway.Core.Hosting;

/// <summary>
/// A gateway process: Kestrel with one connection-level listener, the frozen chain, and the session runtime.
/// The chain is built (and validated) before anything listens; a bad chain never starts.
/// </summary>
internal sealed class GatewayApplication : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ListenOptions _listen;
    private readonly ListenOptions? _adminListen;
    private readonly ListenOptions? _frontDoorListen;

    private GatewayApplication(WebApplication app, ListenOptions listen, ListenOptions? adminListen, ListenOptions? frontDoorListen, InspectorChain chain, GatewaySettings settings)
    {
        _app = app;
        _listen = listen;
        _adminListen = adminListen;
        _frontDoorListen = frontDoorListen;
        Chain = chain;
        Settings = settings;
    }

    public InspectorChain Chain { get; }

    public GatewaySettings Settings { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>The bound endpoint (the real port when configured with port 0), valid after <see cref="StartAsync"/>.</summary>
    public IPEndPoint Endpoint => _listen.IPEndPoint!;

    /// <summary>The bound admin HTTP endpoint, or null without an <c>admin</c> section; valid after <see cref="StartAsync"/>.</summary>
    public IPEndPoint? AdminEndpoint => _adminListen?.IPEndPoint;

    /// <summary>The bound HTTP front door endpoint, or null without an <c>http</c> section; valid after <see cref="StartAsync"/>.</summary>
    public IPEndPoint? FrontDoorEndpoint => _frontDoorListen?.IPEndPoint;

    /// <param name="settings">A validated snapshot.</param>
    /// <param name="configureServices">Registers the authenticator and inspectors (built-ins and platform ones).</param>
    /// <param name="configureLogging">Adjusts logging; the default is the console at Information.</param>
    public static GatewayApplication Create(
        GatewaySettings settings,
        Action<IServiceCollection> configureServices,
        Action<ILoggingBuilder>? configureLogging = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(configureServices);

        // No trace context leaves the gateway on any HTTP request it makes (upstreams, token introspection, key sets,
        // approval webhooks, anchors): the default propagator copies the current activity, which for work done within
        // a front-door or admin request is the one whose trace id and baggage the caller chose. Incoming trace context
        // is still read for the gateway's own telemetry.
        DistributedContextPropagator.Current = DistributedContextPropagator.CreateNoOutputPropagator();
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        if (configureLogging is null)
        {
            GatewayLogging.Configure(builder.Logging, settings);
        }
        else
        {
            configureLogging(builder.Logging);
        }

        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(TimeProvider.System);
        configureServices(builder.Services);
        PluginLoader.Load(settings.Plugins, settings.PluginOptions, builder.Services);

        ListenOptions? listen = null;
        ListenOptions? adminListen = null;
        ListenOptions? frontDoorListen = null;
        builder.Services.AddGatewayDiagnostics(settings);
        builder.Services.AddSingleton(new AdminAddress(settings.AdminPublicUrl, () => adminListen?.IPEndPoint));
        builder.Services.AddSingleton<ClientCertificateMapper>();
        var limits = settings.ConnectionLimits;
        var descriptors = DescriptorBudget.Under(DescriptorLimit.Read(), limits.FileDescriptorReserve);
        builder.Services.AddSingleton(descriptors);
        // When the runtime runs socket completions inline (see SocketEngine; mcpgw turns them on), Kestrel schedules inline
        // too. Kestrel's other transport options measured no better than their defaults in the load driver; waiting for
        // data before taking a buffer keeps an idle connection's memory low.
        builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = SocketEngine.InlineCompletions);
        builder.WebHost.UseKestrelCore().UseKestrelHttpsConfiguration().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // The transport must be able to hold one whole frame, or a frame above the pause threshold would never complete.
            kestrel.Limits.MaxRequestBufferSize = Math.Max(settings.ClientLimits.MaxFrameBytes, 1024 * 1024) + (64 * 1024);

            // HTTP only (front door and admin): a client that sends its request slowly, or sits on an idle connection,
            // is cut off instead of holding a descriptor. The TCP listener has its pre-auth and idle timeouts instead.
            kestrel.Limits.RequestHeadersTimeout = limits.RequestHeadersTimeout;
            kestrel.Limits.KeepAliveTimeout = limits.KeepAliveTimeout;
            kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(limits.MinRequestBodyBytesPerSecond, TimeSpan.FromSeconds(5));
            kestrel.Listen(settings.Endpoint, options =>
            {
                listen = options;
                TcpAdmission.Attach(options);
                TlsListener.Configure(options, settings);
                options.UseConnectionHandler<McpConnectionHandler>();
            });
            if (settings.AdminEndpoint is not null)
            {
                kestrel.Listen(settings.AdminEndpoint, options =>
                {
                    adminListen = options;
                    Gate(options, "admin", limits.MaxAdminConnections, limits.MaxConnectionsPerAddress).Attach(options);
                });
            }

            if (settings.FrontDoor is not null)
            {
                kestrel.Listen(settings.FrontDoor.Endpoint, options =>
                {
                    frontDoorListen = options;
                    Gate(options, "frontdoor", limits.MaxHttpConnections, limits.MaxConnectionsPerAddress).Attach(options);
                    FrontDoorListener.Configure(options, settings);
                });
            }
        });
        // 16 KiB transport blocks instead of Kestrel's 4 KiB (see BlockMemoryPool); registered after UseKestrelCore, whose
        // own registration it replaces.
        builder.Services.AddSingleton<IMemoryPoolFactory<byte>, BlockMemoryPoolFactory>();

        builder.Services.AddSingleton(sp => new GatewayRuntime(
            settings,
            sp.GetRequiredService<InspectorChain>(),
            sp.GetRequiredService<IGatewayAuthenticator>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>(),
            metrics: sp.GetRequiredService<GatewayMetrics>(),
            drain: sp.GetRequiredService<GatewayDrain>(),
            recorder: sp.GetService<ISessionRecorder>(),
            descriptors: descriptors,
            warm: sp.GetRequiredService<WarmUpstreams>()));

        // Warm upstream sockets: filled once the gateway has started, closed when it starts draining.
        builder.Services.AddSingleton<WarmUpstreams>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<WarmUpstreams>());

        // Drains in the host's stopping phase, while Kestrel still holds the sessions.
        builder.Services.AddSingleton<GatewayDrain>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<GatewayDrain>());
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.ShutdownTimeout + TimeSpan.FromSeconds(10));
        builder.Services.AddSingleton(sp => InspectorChainBuilder.Build(
            sp.GetServices<InspectorRegistration>(),
            settings.Inspectors,
            sp,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("McpGateway.Chain")));

        if (settings.FrontDoor is not null)
        {
            builder.Services.AddFrontDoor();
        }

        var app = builder.Build();
        if (settings.FrontDoor is not null)
        {
            FrontDoorListener.Map(app);
        }

        if (settings.AdminEndpoint is not null)
        {
            // Created now, so that it counts from the first connection on.
            app.Services.GetRequiredService<PrometheusExporter>();
            AdminEndpoints.Map(app);
        }

        if (settings.Telemetry is not null)
        {
            // Listening before the first session starts; disposed (and flushed) with the application.
            app.Services.GetRequiredService<OpenTelemetryExport>();
        }

        var chain = app.Services.GetRequiredService<InspectorChain>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("McpGateway");
        GatewayLog.ChainBuilt(logger, chain.Describe());
        LogDescriptors(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("McpGateway.Listener"), descriptors);
        var authenticator = app.Services.GetRequiredService<IGatewayAuthenticator>();
        if (settings.AuthMode == AuthMode.None)
        {
            GatewayLog.AuthNoneWarning(logger);
        }

        _ = authenticator;
        return new GatewayApplication(app, listen!, adminListen, frontDoorListen, chain, settings);
    }

    private static ListenerGate Gate(ListenOptions listen, string name, int maxConnections, int maxPerAddress)
    {
        var services = listen.ApplicationServices;
        return new ListenerGate(
            name,
            maxConnections,
            maxPerAddress,
            services.GetRequiredService<DescriptorBudget>(),
            services.GetRequiredService<GatewayMetrics>(),
            services.GetRequiredService<ILoggerFactory>().CreateLogger("McpGateway.Listener"));
    }

    private static void LogDescriptors(ILogger logger, DescriptorBudget descriptors)
    {
        if (descriptors is { Limit: { } limit, Capacity: { } capacity })
        {
            ListenerLog.DescriptorBudget(logger, limit, descriptors.Reserve, capacity);
        }
        else
        {
            ListenerLog.DescriptorLimitUnknown(logger);
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _app.StartAsync(cancellationToken).ConfigureAwait(false);
        var logger = _app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("McpGateway");
        GatewayLog.Listening(logger, Endpoint.ToString(), Settings.Connections.Count, Settings.AuthMode.ToString().ToLowerInvariant());
        if (FrontDoorEndpoint is { } frontDoor)
        {
            FrontDoorLog.Listening(_app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("McpGateway.FrontDoor"), frontDoor.ToString(), Settings.FrontDoor!.UseTls ? "https" : "http");
        }
    }

    /// <summary>Runs until the process is asked to stop (Ctrl+C, SIGTERM).</summary>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        await StartAsync(cancellationToken).ConfigureAwait(false);
        await _app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken = default) => _app.StopAsync(cancellationToken);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync().ConfigureAwait(false);
}
