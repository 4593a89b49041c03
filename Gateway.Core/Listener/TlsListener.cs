using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using McpGateway.Core.Configuration;
using McpGateway.Core.Identity;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpGateway.Core.Listener;

/// <summary>
/// Puts TLS in front of the connection handler (Kestrel's HTTPS connection middleware works for any connection
/// handler). With <c>clientCertificates: require</c> the handshake fails without a certificate that chains to the
/// trusted CAs; with <c>allow</c> any certificate passes the handshake and the session decides what it is worth.
/// </summary>
internal static class TlsListener
{
    public static void Configure(ListenOptions listen, GatewaySettings settings)
    {
        var tls = settings.Tls;
        var services = listen.ApplicationServices;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("McpGateway.Tls");
        if (tls is null)
        {
            if (!IPAddress.IsLoopback(settings.Endpoint.Address))
            {
                TlsLog.PlaintextListener(logger, settings.Endpoint.ToString());
            }

            return;
        }

        var certificate = tls.Certificate;
        TlsLog.TlsEnabled(logger, certificate.Subject, certificate.GetCertHashString(HashAlgorithmName.SHA256), certificate.NotAfter.ToUniversalTime(), tls.ClientCertificates.ToString().ToLowerInvariant());
        if (certificate.NotAfter.ToUniversalTime() < services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime)
        {
            TlsLog.CertificateExpired(logger, certificate.NotAfter.ToUniversalTime());
        }

        var options = new HttpsConnectionAdapterOptions
        {
            ServerCertificate = certificate,
            HandshakeTimeout = settings.PreAuthTimeout,
            CheckCertificateRevocation = false,
        };
        switch (tls.ClientCertificates)
        {
            case ClientCertificateRequirement.Allow:
                options.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
                options.ClientCertificateValidation = static (_, _, _) => true;
                break;
            case ClientCertificateRequirement.Require:
                var mapper = services.GetRequiredService<ClientCertificateMapper>();
                options.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
                options.ClientCertificateValidation = (presented, _, _) =>
                {
                    if (mapper.IsTrusted(presented))
                    {
                        return true;
                    }

                    TlsLog.HandshakeRefusedCertificate(logger, presented.GetCertHashString(HashAlgorithmName.SHA256));
                    return false;
                };
                break;
            default:
                options.ClientCertificateMode = ClientCertificateMode.NoCertificate;
                break;
        }

        listen.UseHttps(options);
    }
}
