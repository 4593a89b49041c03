namespace McpGateway.Inspectors.Approval;

/// <summary>A webhook notice that was not delivered. The message names the host and why, never the URL's path or a header.</summary>
internal sealed class WebhookDeliveryException(string message) : Exception(message);
