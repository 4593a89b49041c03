using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using McpGateway.Core.Admin;
using McpGateway.Core.Configuration;
using McpGateway.Host.Approvals;
using McpGateway.Host.Bridge;
using McpGateway.Host.Cli;
using McpGateway.Inspectors;

namespace McpGateway.Host.Commands;

/// <summary>
/// <c>mcpgw approvals list | show | approve | deny</c>: the approvers' CLI over the gateway's admin API (<c>--admin
/// URL</c>, or the admin section of <c>--config FILE</c>), authenticated with a bearer token from <c>--token-file</c>
/// or <c>MCPGW_TOKEN</c>. Exit codes: <see cref="ApprovalsExitCodes"/>.
/// </summary>
internal static class ApprovalsCommand
{
    public const string TokenVariable = "MCPGW_TOKEN";

    /// <summary><c>mcpgw approvals</c> with <paramref name="args"/> (after <c>approvals</c>), as typed.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default) =>
        MainCommand.InvokeAsync(["approvals", .. args], output, error, TimeProvider.System, cancellationToken);

    /// <param name="verb"><c>list</c>, <c>show</c>, <c>reveal</c>, <c>approve</c> or <c>deny</c>.</param>
    /// <param name="id">The approval request, for every verb but <c>list</c>.</param>
    /// <param name="options">The values given, by option name without its dashes: admin, config, token-file, state, reason, grant.</param>
    public static async Task<int> RunAsync(string verb, string? id, Dictionary<string, string> options, bool json, bool sameArguments, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var baseUrl = await AdminUrlAsync(options, error).ConfigureAwait(false);
        if (baseUrl is null)
        {
            return ApprovalsExitCodes.Usage;
        }

        if (baseUrl.Scheme == Uri.UriSchemeHttp && !baseUrl.IsLoopback)
        {
            // The token is an approver's credential: plaintext only where it never leaves the machine.
            await error.WriteLineAsync($"mcpgw: not sending a bearer token over plain http to {baseUrl.Host}; use an https:// admin URL (http is for loopback only)").ConfigureAwait(false);
            return ApprovalsExitCodes.Usage;
        }

        string token;
        try
        {
            token = options.TryGetValue("token-file", out var tokenFile)
                ? await new FileTokenSource(tokenFile).GetTokenAsync(cancellationToken).ConfigureAwait(false)
                : Environment.GetEnvironmentVariable(TokenVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment.Trim()
                : throw new TokenUnavailableException($"no token: pass --token-file FILE or set {TokenVariable}");
        }
        catch (TokenUnavailableException ex)
        {
            await error.WriteLineAsync($"mcpgw: {ex.Message}").ConfigureAwait(false);
            return ApprovalsExitCodes.AuthFailed;
        }

        using var client = new AdminApiClient(baseUrl, token);
        try
        {
            return verb switch
            {
                "list" => await ListAsync(client, options.GetValueOrDefault("state"), json, output, error, cancellationToken).ConfigureAwait(false),
                "show" => await ShowAsync(client, id!, json, output, error, cancellationToken).ConfigureAwait(false),
                "reveal" => await RevealAsync(client, id!, json, output, error, cancellationToken).ConfigureAwait(false),
                _ => await VoteAsync(client, verb, id!, options, sameArguments, output, error, cancellationToken).ConfigureAwait(false),
            };
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            await error.WriteLineAsync($"mcpgw: the admin API at {baseUrl} cannot be reached: {ex.Message}").ConfigureAwait(false);
            return ApprovalsExitCodes.Unreachable;
        }
    }

    private static async Task<int> ListAsync(AdminApiClient client, string? state, bool json, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var path = "approvals" + (state is null ? "" : "?state=" + Uri.EscapeDataString(state));
        var (status, body) = await client.SendAsync(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
        if (await FailureAsync(client, status, body, error).ConfigureAwait(false) is { } failed)
        {
            return failed;
        }

        if (body is not JsonArray views)
        {
            return await UnexpectedAsync(client, status, error).ConfigureAwait(false);
        }

        if (json)
        {
            foreach (var view in views)
            {
                await output.WriteLineAsync(view?.ToJsonString()).ConfigureAwait(false);
            }

            return ApprovalsExitCodes.Ok;
        }

        await output.WriteLineAsync($"{"ID",-32}  {"STATE",-9}  {"SUBJECT",-16}  {"CONNECTION",-12}  {"TOOL",-20}  {"RULE",-16}  {"VOTES",-5}  EXPIRES").ConfigureAwait(false);
        foreach (var view in views.OfType<JsonObject>())
        {
            await output.WriteLineAsync($"{Printable(view["id"]),-32}  {Printable(view["state"]),-9}  {Printable(view["subject"]),-16}  {Printable(view["connection"]),-12}  {Printable(view["tool"]),-20}  {Printable(view["rule"]),-16}  {Approvals(view),-5}  {Printable(view["expiresAt"])}").ConfigureAwait(false);
        }

        return ApprovalsExitCodes.Ok;
    }

    private static async Task<int> ShowAsync(AdminApiClient client, string id, bool json, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var (status, body) = await client.SendAsync(HttpMethod.Get, "approvals/" + Uri.EscapeDataString(id), null, cancellationToken).ConfigureAwait(false);
        if (await FailureAsync(client, status, body, error).ConfigureAwait(false) is { } failed)
        {
            return failed;
        }

        if (body is not JsonObject view)
        {
            return await UnexpectedAsync(client, status, error).ConfigureAwait(false);
        }

        await output.WriteLineAsync(json ? view.ToJsonString() : Describe(view)).ConfigureAwait(false);
        return ApprovalsExitCodes.Ok;
    }

    /// <summary>The raw arguments, for a member of a reveal group; the gateway records the look before it answers.</summary>
    private static async Task<int> RevealAsync(AdminApiClient client, string id, bool json, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var (status, body) = await client.SendAsync(HttpMethod.Get, $"approvals/{Uri.EscapeDataString(id)}/arguments", null, cancellationToken).ConfigureAwait(false);
        if (await FailureAsync(client, status, body, error).ConfigureAwait(false) is { } failed)
        {
            return failed;
        }

        if (body is not JsonObject revealed)
        {
            return await UnexpectedAsync(client, status, error).ConfigureAwait(false);
        }

        await output.WriteLineAsync(json
            ? revealed.ToJsonString()
            : $"approval {Printable(revealed["id"])}: raw arguments (your look is recorded)\n  arguments     {Printable(revealed["arguments"]?.ToJsonString() ?? "(none)")}").ConfigureAwait(false);
        return ApprovalsExitCodes.Ok;
    }

    private static async Task<int> VoteAsync(AdminApiClient client, string verb, string id, Dictionary<string, string> options, bool sameArguments, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var vote = new JsonObject();
        if (options.TryGetValue("reason", out var reason))
        {
            vote["reason"] = reason;
        }

        if (options.TryGetValue("grant", out var grant))
        {
            if (!TimeSpan.TryParse(grant, CultureInfo.InvariantCulture, out var duration) || duration <= TimeSpan.Zero)
            {
                await error.WriteLineAsync($"mcpgw: --grant '{grant}' is not a positive duration, e.g. 00:30:00").ConfigureAwait(false);
                return ApprovalsExitCodes.Usage;
            }

            vote["grant"] = new JsonObject { ["duration"] = duration.ToString("c", CultureInfo.InvariantCulture), ["sameArguments"] = sameArguments };
        }

        var (status, body) = await client.SendAsync(HttpMethod.Post, $"approvals/{Uri.EscapeDataString(id)}/{verb}", vote, cancellationToken).ConfigureAwait(false);
        if (await FailureAsync(client, status, body, error).ConfigureAwait(false) is { } failed)
        {
            return failed;
        }

        if (body?["request"] is not JsonObject view)
        {
            return await UnexpectedAsync(client, status, error).ConfigureAwait(false);
        }

        await output.WriteLineAsync((string?)body["result"] == "decided"
            ? $"approval {id}: {Printable(view["state"])}"
            : $"approval {id}: vote counted, {Approvals(view)} approvals so far").ConfigureAwait(false);
        return ApprovalsExitCodes.Ok;
    }

    /// <summary>The exit code for a response that is not a success, after saying why; null for a success.</summary>
    private static async Task<int?> FailureAsync(AdminApiClient client, HttpStatusCode status, JsonNode? body, TextWriter error)
    {
        if (status == HttpStatusCode.OK)
        {
            return null;
        }

        var reason = (string?)body?["error"];
        var message = (string?)body?["message"];
        if (reason is null)
        {
            return await UnexpectedAsync(client, status, error).ConfigureAwait(false);
        }

        var (code, what) = (status, reason) switch
        {
            (HttpStatusCode.Unauthorized, _) => (ApprovalsExitCodes.AuthFailed, "the admin API refused the token"),
            (HttpStatusCode.Forbidden, "forbidden") => (ApprovalsExitCodes.AuthFailed, "the token's identity is in none of the approver groups"),
            (HttpStatusCode.NotFound, _) => (ApprovalsExitCodes.NotFound, "not found"),
            (HttpStatusCode.BadRequest, _) => (ApprovalsExitCodes.Usage, "the admin API called the request malformed"),
            (HttpStatusCode.Forbidden or HttpStatusCode.Conflict or HttpStatusCode.UnprocessableEntity, _) => (ApprovalsExitCodes.Refused, "refused"),
            _ => (ApprovalsExitCodes.UnexpectedResponse, $"HTTP {(int)status}"),
        };
        await error.WriteLineAsync($"mcpgw: {what}: {reason}{(message is null ? "" : $" ({message})")}").ConfigureAwait(false);
        return code;
    }

    private static async Task<int> UnexpectedAsync(AdminApiClient client, HttpStatusCode status, TextWriter error)
    {
        await error.WriteLineAsync(status == HttpStatusCode.NotFound
            ? $"mcpgw: {client.BaseUrl} serves no approvals API (is it a gateway's admin address, with approvals configured?)"
            : $"mcpgw: unexpected answer from the admin API at {client.BaseUrl}: HTTP {(int)status}").ConfigureAwait(false);
        return ApprovalsExitCodes.UnexpectedResponse;
    }

    /// <summary>
    /// <c>--admin URL</c> (<c>http://</c> assumed when it names no scheme), or the admin section of <c>--config FILE</c>:
    /// <c>admin.publicUrl</c>, else <c>admin.listen</c> (a wildcard address as loopback).
    /// </summary>
    private static async Task<Uri?> AdminUrlAsync(Dictionary<string, string> options, TextWriter error)
    {
        if (options.TryGetValue("admin", out var admin) == options.ContainsKey("config"))
        {
            await error.WriteLineAsync("mcpgw: pass exactly one of --admin URL, --config FILE").ConfigureAwait(false);
            return null;
        }

        if (admin is not null)
        {
            var withScheme = admin.Contains("://", StringComparison.Ordinal) ? admin : "http://" + admin;
            if (Uri.TryCreate(withScheme, UriKind.Absolute, out var url) && url.Scheme is "http" or "https")
            {
                return url;
            }

            await error.WriteLineAsync($"mcpgw: --admin '{admin}' is not an http:// or https:// URL").ConfigureAwait(false);
            return null;
        }

        GatewaySettings settings;
        try
        {
            settings = GatewayConfiguration.LoadFile(options["config"]);
        }
        catch (Exception ex) when (ex is InvalidConfigurationException or IOException)
        {
            await error.WriteLineAsync($"mcpgw: {options["config"]} cannot be used: {(ex is InvalidConfigurationException invalid ? string.Join("; ", invalid.Errors) : ex.Message)}").ConfigureAwait(false);
            return null;
        }

        if (settings.AdminPublicUrl is { } publicUrl)
        {
            return publicUrl;
        }

        if (settings.AdminEndpoint is not { Port: > 0 } endpoint)
        {
            await error.WriteLineAsync($"mcpgw: {options["config"]} {(settings.AdminEndpoint is null ? "has no admin section" : "lets the admin listener pick its port")}; pass --admin URL").ConfigureAwait(false);
            return null;
        }

        return AdminAddress.FromEndpoint(endpoint, IPAddress.Loopback.ToString());
    }

    private static string Approvals(JsonObject view) =>
        string.Create(CultureInfo.InvariantCulture, $"{(view["votes"] as JsonArray)?.Count(v => (bool?)v?["approve"] == true) ?? 0}/{Printable(view["requiredApprovals"])}");

    /// <summary>
    /// A value from the API as the terminal may show it: control characters (which a requester could put in a tool name
    /// or a reason to move the cursor or rewrite what the approver reads) written as <c>\uXXXX</c>.
    /// </summary>
    private static string Printable(JsonNode? node) => Printable(node?.ToString() ?? "");

    /// <summary>The same escaping as every other command's output (control, format and separator characters).</summary>
    internal static string Printable(string text) => McpGateway.Core.Diagnostics.TerminalText.Printable(text);

    /// <summary>How much masking hides (overall and of the most hidden value), masked spans that hold shell or path syntax, and whether approving needs a reveal group.</summary>
    private static string Hidden(JsonObject view) => view["masking"] is JsonObject masking
        ? string.Create(CultureInfo.InvariantCulture, $"  hidden        {(int?)masking["hiddenChars"]} of {(int?)masking["hiddenChars"] + (int?)masking["shownChars"]} characters ({((double?)masking["hiddenShare"] ?? 0) * 100:0}%){ValueShare(masking)}{((int?)masking["suspiciousSpans"] is > 0 and var suspicious ? $"; {suspicious} masked span(s) hold shell or path syntax" : "")}{((bool?)masking["revealRequired"] == true ? "; approving needs a member of approvals.revealGroups (mcpgw approvals reveal)" : "")}")
        : "  hidden        (not reported)";

    private static string ValueShare(JsonObject masking) =>
        (double?)masking["largestValueHiddenShare"] is { } value && value > ((double?)masking["hiddenShare"] ?? 0)
            ? string.Create(CultureInfo.InvariantCulture, $", {value * 100:0}% of one value")
            : "";

    private static string Describe(JsonObject view)
    {
        var lines = new List<string>
        {
            $"approval {Printable(view["id"])}: {Printable(view["state"])}",
            $"  requested by  {Printable(view["subject"])} (session {Printable(view["sessionId"])})",
            $"  call          {Printable(view["tool"])} on {Printable(view["connection"])} (rule {Printable(view["rule"])})",
            $"  arguments     {Printable(view["arguments"]?.ToJsonString() ?? "(none)")} (masked)",
            Hidden(view),
            $"  approvals     {Approvals(view)} from {string.Join(", ", (view["approverGroups"] as JsonArray ?? []).Select(g => Printable(g)))}",
            $"  created       {Printable(view["createdAt"])}",
            $"  expires       {Printable(view["expiresAt"])}",
        };
        foreach (var vote in (view["votes"] as JsonArray ?? []).OfType<JsonObject>())
        {
            lines.Add($"  vote          {Printable(vote["approver"])} {((bool?)vote["approve"] == true ? "approved" : "denied")} at {Printable(vote["at"])}{((string?)vote["reason"] is { } why ? $": {Printable(why)}" : "")}");
        }

        if (view["grant"] is JsonObject grant)
        {
            lines.Add($"  grant         by {Printable(grant["grantedBy"])} until {Printable(grant["expiresAt"])}{((bool?)grant["sameArguments"] == true ? ", same arguments only" : "")}");
        }

        return string.Join('\n', lines);
    }
}
