namespace McpGateway.Host.Bridge;

/// <summary>Where <c>mcpgw bridge</c> gets the tokens it authenticates with.</summary>
internal enum TokenSourceKind
{
    /// <summary>No token: a TLS client certificate mapped by the gateway stands for the identity.</summary>
    ClientCertificateOnly,

    /// <summary><c>--token-file</c>, re-read at every renewal.</summary>
    File,

    /// <summary><c>--token-command</c>, run through <c>/bin/sh -c</c>; its stdout is the token.</summary>
    Command,

    /// <summary>OAuth 2.0 client credentials with a client secret (HTTP Basic).</summary>
    ClientSecret,

    /// <summary>OAuth 2.0 client credentials with a signed JWT client assertion (RFC 7523, <c>private_key_jwt</c>).</summary>
    PrivateKeyJwt,
}
