namespace McpGateway.Host.Bridge;

/// <summary>The validated arguments of <c>mcpgw bridge</c>. Holds file names and references, never a secret.</summary>
internal sealed record BridgeOptions
{
    public required string Host { get; init; }

    public required int Port { get; init; }

    public required string Connection { get; init; }

    public bool Tls { get; init; }

    /// <summary>PEM file of the CAs the gateway's certificate must chain to; null for the system's trust store.</summary>
    public string? CaFile { get; init; }

    public string? ClientCertificateFile { get; init; }

    public string? ClientCertificateKeyFile { get; init; }

    public required TokenSourceKind TokenSource { get; init; }

    public string? TokenFile { get; init; }

    public string? TokenCommand { get; init; }

    public string? Issuer { get; init; }

    public string? ClientId { get; init; }

    /// <summary>Null when the secret comes from the <c>MCPGW_CLIENT_SECRET</c> environment variable.</summary>
    public string? ClientSecretFile { get; init; }

    /// <summary>The PEM private key (RSA or EC) that signs <c>private_key_jwt</c> client assertions.</summary>
    public string? ClientKeyFile { get; init; }

    /// <summary>The <c>kid</c> of the client assertion's header, when the IdP needs it to pick the key.</summary>
    public string? ClientKeyId { get; init; }

    public string? Scope { get; init; }

    public string? Resource { get; init; }
}
