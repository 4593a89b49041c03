using McpGateway.Core.Configuration;

namespace McpGateway.Inspectors.Approval;

/// <summary>The validated <c>approvals.webhook</c>. Header values are resolved when a message is sent, never logged.</summary>
internal sealed record ApprovalWebhookSettings(Uri Url)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
    public const int DefaultRetries = 3;

    public IReadOnlyDictionary<string, EnvironmentValue> Headers { get; init; } = new Dictionary<string, EnvironmentValue>();

    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    public int Retries { get; init; } = DefaultRetries;

    internal static ApprovalWebhookSettings? Parse(ApprovalWebhookOptions? options, string baseDirectory, List<string> errors)
    {
        if (options is null)
        {
            return null;
        }

        const string Path = "approvals.webhook";
        var url = HttpConnectionParser.ParseUrl(Path + ".url", options.Url, "required, e.g. \"https://hooks.slack.com/services/…\"", errors, secretPath: true);
        if (url is not null && url.Scheme == Uri.UriSchemeHttp && !HttpConnectionParser.IsLoopback(url))
        {
            errors.Add($"{Path}.url: plain http:// to '{url.Host}' would send approval notices in clear; use https:// (http:// is accepted for loopback only)");
        }

        var headers = HttpConnectionParser.ParseHeaders(Path, options.Headers, baseDirectory, errors);
        var timeout = GatewaySettingsLoader.PositiveTime(options.Timeout, DefaultTimeout, Path + ".timeout", errors);
        if (options.Retries is < 0 or > 10)
        {
            errors.Add($"{Path}.retries: {options.Retries} is not between 0 and 10");
        }

        return url is null ? null : new ApprovalWebhookSettings(url)
        {
            Headers = headers,
            Timeout = timeout,
            Retries = options.Retries ?? DefaultRetries,
        };
    }
}
