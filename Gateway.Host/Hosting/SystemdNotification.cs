using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;

namespace McpGateway.Host.Hosting;

/// <summary>
/// <c>Type=notify</c> services: when systemd (or anything else) hands the process a <c>NOTIFY_SOCKET</c>, the host's
/// lifetime becomes <see cref="SystemdLifetime"/>, which sends <c>READY=1</c> once every listener is bound and
/// <c>STOPPING=1</c> when the gateway starts to drain. <c>AddSystemd()</c> alone would only do so when the parent
/// process is systemd; the socket is what matters.
/// </summary>
internal static class SystemdNotification
{
    public const string SocketVariable = "NOTIFY_SOCKET";

    public static void AddWhenRequested(IServiceCollection services)
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(SocketVariable)))
        {
            return;
        }

        services.AddSingleton<ISystemdNotifier, SystemdNotifier>();
        services.AddSingleton<IHostLifetime, SystemdLifetime>();
    }
}
