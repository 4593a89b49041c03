namespace McpGateway.Core.Configuration;

/// <summary>Whether the TLS listener asks for client certificates.</summary>
internal enum ClientCertificateRequirement
{
    /// <summary>No client certificate is asked for.</summary>
    None,

    /// <summary>A client may present one; an untrusted or unmapped one is not an identity, the connection still needs a token.</summary>
    Allow,

    /// <summary>The TLS handshake fails without a certificate that chains to the trusted CAs.</summary>
    Require,
}
