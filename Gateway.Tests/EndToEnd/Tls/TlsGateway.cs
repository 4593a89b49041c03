using McpGateway.Core.Configuration;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;

namespace McpGateway.Tests.EndToEnd.Tls;

/// <summary>Gateway settings with TLS from <see cref="TestCertificates"/>, through the same validation a configuration file goes through.</summary>
internal static class TlsGateway
{
    public static GatewaySettings Settings(TestCertificates certificates, string clientCertificates = "none", params (string Key, string Subject, string[] Groups)[] identities)
    {
        var options = new TlsOptions
        {
            CertificateFile = certificates.Server.CertificateFile,
            KeyFile = certificates.Server.KeyFile,
            ClientCertificates = new ClientCertificateOptions
            {
                Mode = clientCertificates,
                TrustedCaFile = clientCertificates == "none" ? null : certificates.CaFile,
            },
        };
        foreach (var (key, subject, groups) in identities)
        {
            var identity = new CertificateIdentityOptions { Subject = subject };
            foreach (var group in groups)
            {
                identity.Groups.Add(group);
            }

            options.ClientCertificates.Identities[key] = identity;
        }

        var errors = new List<string>();
        var tls = TlsSettingsLoader.Parse(options, certificates.Directory, errors);
        Assert.That(errors, Is.Empty);
        return GatewayHarness.Settings(GatewayHarness.Everything()) with { Tls = tls };
    }
}
