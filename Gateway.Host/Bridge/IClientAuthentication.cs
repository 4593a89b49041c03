namespace McpGateway.Host.Bridge;

/// <summary>How the bridge proves to the token endpoint that it is the client (RFC 6749 §2.3).</summary>
internal interface IClientAuthentication
{
    /// <summary><c>client_secret_basic</c> or <c>private_key_jwt</c>, for logs.</summary>
    string Method { get; }

    /// <summary>Adds the credentials to a token request for <paramref name="tokenEndpoint"/>.</summary>
    void Apply(HttpRequestMessage request, List<KeyValuePair<string, string>> form, string tokenEndpoint);
}
