using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace McpGateway.Host.Bridge;

/// <summary>
/// The OAuth 2.0 client-credentials grant (RFC 6749 §4.4) against the token endpoint named in the issuer's discovery
/// document (looked up once), with the optional <c>scope</c> and <c>resource</c> (RFC 8707). A new token every time.
/// </summary>
internal sealed class ClientCredentialsTokenSource(
    Uri issuer,
    string clientId,
    IClientAuthentication authentication,
    string? scope,
    string? resource,
    HttpClient http) : ITokenSource
{
    private const int MaxResponseBytes = 1024 * 1024;

    private readonly string _issuer = issuer.OriginalString.TrimEnd('/');
    private string? _tokenEndpoint;

    public string Description => $"client credentials of '{clientId}' at {_issuer} ({authentication.Method})";

    public async Task<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        var endpoint = _tokenEndpoint ??= await DiscoverTokenEndpointAsync(cancellationToken).ConfigureAwait(false);
        var form = new List<KeyValuePair<string, string>> { new("grant_type", "client_credentials") };
        if (!string.IsNullOrWhiteSpace(scope))
        {
            form.Add(new("scope", scope));
        }

        if (!string.IsNullOrWhiteSpace(resource))
        {
            form.Add(new("resource", resource));
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        authentication.Apply(request, form, endpoint);
        request.Content = new FormUrlEncodedContent(form);
        var (status, body) = await SendAsync(request, "the token endpoint", cancellationToken).ConfigureAwait(false);
        using var document = body;
        var root = document.RootElement;
        if (status != HttpStatusCode.OK)
        {
            var error = Text(root, "error") ?? "no error code";
            var description = Text(root, "error_description");
            throw new TokenUnavailableException(string.Create(CultureInfo.InvariantCulture,
                $"the token endpoint {endpoint} refused the client credentials of '{clientId}': {error}{(description is null ? "" : $" ({description})")}, HTTP {(int)status}"));
        }

        var token = Text(root, "access_token");
        if (string.IsNullOrEmpty(token))
        {
            throw new TokenUnavailableException($"the token endpoint {endpoint} answered without an access_token");
        }

        var type = Text(root, "token_type");
        if (type is not null && !type.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            throw new TokenUnavailableException($"the token endpoint {endpoint} issued a '{type}' token; only Bearer tokens can be used");
        }

        return token;
    }

    private async Task<string> DiscoverTokenEndpointAsync(CancellationToken cancellationToken)
    {
        JsonDocument? document = null;
        foreach (var wellKnown in (string[])["/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"])
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, _issuer + wellKnown);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            var (status, body) = await SendAsync(request, "the issuer's discovery document", cancellationToken).ConfigureAwait(false);
            if (status == HttpStatusCode.OK)
            {
                document = body;
                break;
            }

            body.Dispose();
            if (status != HttpStatusCode.NotFound)
            {
                throw new TokenUnavailableException(string.Create(CultureInfo.InvariantCulture, $"the discovery document {_issuer}{wellKnown} answered HTTP {(int)status}"));
            }
        }

        if (document is null)
        {
            throw new TokenUnavailableException($"the issuer {_issuer} has no discovery document (.well-known/openid-configuration)");
        }

        using (document)
        {
            var named = Text(document.RootElement, "issuer")?.TrimEnd('/');
            if (!string.Equals(named, _issuer, StringComparison.Ordinal))
            {
                throw new TokenUnavailableException($"the discovery document of {_issuer} names a different issuer, '{named}'");
            }

            var endpoint = Text(document.RootElement, "token_endpoint");
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || !(uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)))
            {
                throw new TokenUnavailableException($"the discovery document of {_issuer} has no usable token_endpoint (an https URL, or http on loopback)");
            }

            return endpoint!;
        }
    }

    private async Task<(HttpStatusCode Status, JsonDocument Body)> SendAsync(HttpRequestMessage request, string what, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (response.Content.Headers.ContentLength > MaxResponseBytes)
            {
                throw new TokenUnavailableException($"{what} at {request.RequestUri} sent more than {MaxResponseBytes} bytes");
            }

            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            JsonDocument body;
            try
            {
                body = bytes.Length == 0 ? JsonDocument.Parse("{}") : JsonDocument.Parse(bytes);
            }
            catch (JsonException)
            {
                if (response.StatusCode == HttpStatusCode.NotFound)
                {
                    return (response.StatusCode, JsonDocument.Parse("{}"));
                }

                throw new TokenUnavailableException(string.Create(CultureInfo.InvariantCulture, $"{what} at {request.RequestUri} did not answer JSON (HTTP {(int)response.StatusCode})"));
            }

            return (response.StatusCode, body);
        }
        catch (HttpRequestException ex)
        {
            throw new TokenUnavailableException($"{what} at {request.RequestUri} cannot be reached: {ex.Message}", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TokenUnavailableException($"{what} at {request.RequestUri} did not answer in time", ex);
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
