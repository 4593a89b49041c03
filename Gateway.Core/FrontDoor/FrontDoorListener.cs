using McpGateway.Core.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;

namespace McpGateway.Core.FrontDoor;

/// <summary>
/// The front door's Kestrel listener. Its connections are marked, and every HTTP request on them goes to
/// <see cref="FrontDoorHandler"/> and nowhere else: the admin routes are not served there, nor MCP on the admin port.
/// </summary>
internal static class FrontDoorListener
{
    private static readonly object _marker = new();

    public static void Configure(ListenOptions listen, GatewaySettings settings)
    {
        listen.Use(next => connection =>
        {
            connection.Items[_marker] = _marker;
            return next(connection);
        });
        if (settings.FrontDoor!.UseTls)
        {
            listen.UseHttps(new HttpsConnectionAdapterOptions
            {
                ServerCertificate = settings.Tls!.Certificate,
                HandshakeTimeout = settings.PreAuthTimeout,
                CheckCertificateRevocation = false,
            });
        }
    }

    public static IServiceCollection AddFrontDoor(this IServiceCollection services)
    {
        services.AddSingleton<FrontDoorSessions>();
        services.AddSingleton<FrontDoorHandler>();
        return services;
    }

    public static void Map(WebApplication app)
    {
        var handler = app.Services.GetRequiredService<FrontDoorHandler>();
        app.Use((context, next) => IsFrontDoor(context) ? handler.HandleAsync(context) : next(context));
    }

    private static bool IsFrontDoor(HttpContext context) =>
        context.Features.Get<IConnectionItemsFeature>()?.Items.ContainsKey(_marker) == true;
}
