using McpGateway.Core.Configuration;

namespace McpGateway.Inspectors.Approval;

/// <summary>
/// <c>approvals.webhook</c>: where a Slack-compatible incoming-webhook message goes for every call held for approval.
/// </summary>
internal sealed class ApprovalWebhookOptions
{
    /// <summary>The incoming-webhook URL: <c>https://</c>, or <c>http://</c> to a loopback address only.</summary>
    public string? Url { get; set; }

    /// <summary>Headers sent with every message (e.g. an authorization header). Each takes exactly one of value, fromEnv or fromFile.</summary>
    public IDictionary<string, EnvironmentValueOptions> Headers { get; } = new Dictionary<string, EnvironmentValueOptions>(StringComparer.OrdinalIgnoreCase);

    /// <summary>How long one attempt may take (default 10 s).</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>Attempts after the first one on a network error, 408, 429 or 5xx (default 3).</summary>
    public int? Retries { get; set; }
}
