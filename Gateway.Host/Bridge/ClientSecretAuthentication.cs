using System.Net.Http.Headers;
using System.Text;

namespace McpGateway.Host.Bridge;

/// <summary>
/// <c>client_secret_basic</c>: the secret from a file (read at every request, so it can be rotated) or from the
/// <c>MCPGW_CLIENT_SECRET</c> variable, sent in the Authorization header, form-encoded as RFC 6749 §2.3.1 asks.
/// </summary>
internal sealed class ClientSecretAuthentication(string clientId, string? secretFile) : IClientAuthentication
{
    public string Method => "client_secret_basic";

    public void Apply(HttpRequestMessage request, List<KeyValuePair<string, string>> form, string tokenEndpoint)
    {
        var secret = ReadSecret();
        var credentials = Uri.EscapeDataString(clientId) + ":" + Uri.EscapeDataString(secret);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
    }

    private string ReadSecret()
    {
        if (secretFile is null)
        {
            var variable = Environment.GetEnvironmentVariable(BridgeArguments.ClientSecretVariable);
            return string.IsNullOrEmpty(variable)
                ? throw new TokenUnavailableException($"the {BridgeArguments.ClientSecretVariable} variable is not set")
                : variable;
        }

        try
        {
            var secret = File.ReadAllText(secretFile).Trim();
            return secret.Length > 0 ? secret : throw new TokenUnavailableException($"client secret file '{secretFile}' is empty");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new TokenUnavailableException($"client secret file '{secretFile}' cannot be read: {ex.Message}", ex);
        }
    }
}
