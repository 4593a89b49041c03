using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace McpGateway.Core.Configuration;

/// <summary>
/// Validates the <c>tls</c> section into <see cref="TlsSettings"/>: loads the certificate (PEM or PKCS#12) and the
/// trusted CAs now, so that a bad file stops the gateway at start, and normalises the identity keys.
/// Adds every mistake to the caller's list, with its path.
/// </summary>
internal static class TlsSettingsLoader
{
    public static TlsSettings? Parse(TlsOptions options, string baseDirectory, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(errors);
        var countBefore = errors.Count;
        var password = ReadPassword(options.Password, baseDirectory, errors);
        var certificate = LoadCertificate(options, password, baseDirectory, errors);

        var clientOptions = options.ClientCertificates ?? new ClientCertificateOptions();
        var requirement = ParseRequirement(clientOptions.Mode, errors);
        X509Certificate2Collection trusted = [];
        if (requirement != ClientCertificateRequirement.None)
        {
            trusted = LoadTrustedCas(clientOptions.TrustedCaFile, baseDirectory, errors);
        }
        else if (clientOptions.TrustedCaFile is not null || clientOptions.Identities.Count > 0)
        {
            errors.Add("tls.clientCertificates: trustedCaFile and identities need mode \"allow\" or \"require\"");
        }

        var byThumbprint = new Dictionary<string, CertificateIdentity>(StringComparer.Ordinal);
        var bySubject = new Dictionary<string, CertificateIdentity>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, identity) in clientOptions.Identities)
        {
            AddIdentity(key, identity, byThumbprint, bySubject, errors);
        }

        if (errors.Count > countBefore || certificate is null)
        {
            certificate?.Dispose();
            return null;
        }

        return new TlsSettings
        {
            Certificate = certificate,
            ClientCertificates = requirement,
            TrustedCas = trusted,
            IdentitiesByThumbprint = byThumbprint.ToFrozenDictionary(StringComparer.Ordinal),
            IdentitiesBySubject = bySubject.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase),
        };
    }

    /// <summary>The key form of a SHA-256 thumbprint: 64 upper-case hex digits, or null when <paramref name="key"/> is not one.</summary>
    public static string? NormalizeThumbprint(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var trimmed = key.Trim();
        if (trimmed.Length != 64)
        {
            return null;
        }

        foreach (var c in trimmed)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return null;
            }
        }

        return trimmed.ToUpperInvariant();
    }

    private static string? ReadPassword(EnvironmentValueOptions? password, string baseDirectory, List<string> errors)
    {
        if (password is null)
        {
            return null;
        }

        if (password.Value is not null)
        {
            errors.Add("tls.password: a literal value is not accepted; use fromEnv or fromFile");
            return null;
        }

        if ((password.FromEnv is null) == (password.FromFile is null))
        {
            errors.Add("tls.password: exactly one of fromEnv, fromFile");
            return null;
        }

        var value = password.FromEnv is not null
            ? new EnvironmentValue(EnvironmentValueSource.Environment, password.FromEnv)
            : new EnvironmentValue(EnvironmentValueSource.File, Path.GetFullPath(password.FromFile!, baseDirectory));
        try
        {
            return value.Resolve();
        }
        catch (InvalidOperationException ex)
        {
            errors.Add($"tls.password: {ex.Message}");
            return null;
        }
    }

    private static X509Certificate2? LoadCertificate(TlsOptions options, string? password, string baseDirectory, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(options.CertificateFile))
        {
            errors.Add("tls.certificateFile: required (a .pem with keyFile, or a .pfx)");
            return null;
        }

        var certificateFile = Path.GetFullPath(options.CertificateFile, baseDirectory);
        var keyFile = options.KeyFile is null ? null : Path.GetFullPath(options.KeyFile, baseDirectory);
        var isPkcs12 = certificateFile.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || certificateFile.EndsWith(".p12", StringComparison.OrdinalIgnoreCase);
        if (isPkcs12 && keyFile is not null)
        {
            errors.Add("tls.keyFile: a PKCS#12 file holds its own key; leave keyFile out");
            return null;
        }

        X509Certificate2 certificate;
        try
        {
            if (isPkcs12)
            {
                certificate = X509CertificateLoader.LoadPkcs12FromFile(certificateFile, password);
            }
            else if (password is not null)
            {
                certificate = X509Certificate2.CreateFromEncryptedPemFile(certificateFile, password, keyFile);
            }
            else
            {
                certificate = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
            }
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            // The message names the problem (missing file, wrong password, no key); it never holds key material.
            errors.Add($"tls.certificateFile: '{certificateFile}' cannot be loaded{(keyFile is null ? "" : $" with key '{keyFile}'")}: {ex.Message}");
            return null;
        }

        if (!certificate.HasPrivateKey)
        {
            errors.Add($"tls.certificateFile: '{certificateFile}' has no private key; add keyFile");
            certificate.Dispose();
            return null;
        }

        return certificate;
    }

    private static ClientCertificateRequirement ParseRequirement(string? mode, List<string> errors)
    {
        switch (mode?.Trim().ToUpperInvariant())
        {
            case null or "" or "NONE":
                return ClientCertificateRequirement.None;
            case "ALLOW":
                return ClientCertificateRequirement.Allow;
            case "REQUIRE":
                return ClientCertificateRequirement.Require;
            default:
                errors.Add($"tls.clientCertificates.mode: '{mode}' is not one of none, allow, require");
                return ClientCertificateRequirement.None;
        }
    }

    private static X509Certificate2Collection LoadTrustedCas(string? file, string baseDirectory, List<string> errors)
    {
        X509Certificate2Collection trusted = [];
        if (string.IsNullOrWhiteSpace(file))
        {
            errors.Add("tls.clientCertificates.trustedCaFile: required when client certificates are allowed or required");
            return trusted;
        }

        var path = Path.GetFullPath(file, baseDirectory);
        try
        {
            trusted.ImportFromPemFile(path);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            errors.Add($"tls.clientCertificates.trustedCaFile: '{path}' cannot be loaded: {ex.Message}");
            return trusted;
        }

        if (trusted.Count == 0)
        {
            errors.Add($"tls.clientCertificates.trustedCaFile: '{path}' holds no PEM certificate");
        }

        return trusted;
    }

    private static void AddIdentity(
        string key,
        CertificateIdentityOptions options,
        Dictionary<string, CertificateIdentity> byThumbprint,
        Dictionary<string, CertificateIdentity> bySubject,
        List<string> errors)
    {
        var path = $"tls.clientCertificates.identities.{key}";
        var countBefore = errors.Count;
        if (string.IsNullOrWhiteSpace(options.Subject))
        {
            errors.Add($"{path}.subject: required, the subject the session acts for");
        }

        for (var i = 0; i < options.Groups.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(options.Groups[i]))
            {
                errors.Add($"{path}.groups[{i}]: a group name is required");
            }
        }

        var thumbprint = NormalizeThumbprint(key);
        string? subjectName = null;
        if (thumbprint is null)
        {
            try
            {
                subjectName = new X500DistinguishedName(key).Name;
            }
            catch (CryptographicException)
            {
                errors.Add($"{path}: the key is neither a SHA-256 thumbprint (64 hex digits) nor a subject DN such as \"CN=svc-x, O=Acme\"");
            }
        }

        if (errors.Count > countBefore)
        {
            return;
        }

        var identity = new CertificateIdentity(options.Subject!, [.. options.Groups]);
        var added = thumbprint is not null ? byThumbprint.TryAdd(thumbprint, identity) : bySubject.TryAdd(subjectName!, identity);
        if (!added)
        {
            errors.Add($"{path}: names the same certificate as another entry");
        }
    }
}
