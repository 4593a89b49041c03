using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using McpGateway.Core.Admin;

namespace McpGateway.Host.Approvals;

/// <summary>
/// The admin HTTP API as <c>mcpgw approvals</c> calls it: a bearer token on every request, JSON both ways. Network
/// failures throw <see cref="HttpRequestException"/> (or <see cref="TaskCanceledException"/> after <see cref="Timeout"/>).
/// </summary>
internal sealed class AdminApiClient(Uri baseUrl, string token) : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly HttpClient _http = new() { Timeout = Timeout };

    public Uri BaseUrl => baseUrl;

    /// <summary>The status and the JSON body (null when there is none or it is not JSON).</summary>
    public async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpMethod method, string relativePath, JsonObject? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, AdminAddress.Combine(baseUrl, relativePath));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
        }
        catch (JsonException)
        {
            return (response.StatusCode, null);
        }
    }

    public void Dispose() => _http.Dispose();
}
