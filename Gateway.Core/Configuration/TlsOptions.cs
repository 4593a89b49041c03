namespace McpGateway.Core.Configuration;

/// <summary>
/// The <c>tls</c> section: the listener's certificate and, optionally, client certificates (mutual TLS).
/// Bound by configuration, validated by <see cref="TlsSettingsLoader"/> into <see cref="TlsSettings"/>.
/// </summary>
internal sealed class TlsOptions
{
    /// <summary>A PEM certificate (with <see cref="KeyFile"/>, or with its key in the same file) or a PKCS#12 (<c>.pfx</c>/<c>.p12</c>) file.</summary>
    public string? CertificateFile { get; set; }

    /// <summary>The PEM private key of <see cref="CertificateFile"/>, when it is a separate file.</summary>
    public string? KeyFile { get; set; }

    /// <summary>The password of the PKCS#12 file or of an encrypted PEM key; <c>fromEnv</c> or <c>fromFile</c>.</summary>
    public EnvironmentValueOptions? Password { get; set; }

    public ClientCertificateOptions? ClientCertificates { get; set; }
}
