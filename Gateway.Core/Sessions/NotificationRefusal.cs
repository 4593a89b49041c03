using McpGateway.Core.Errors;

namespace McpGateway.Core.Sessions;

/// <summary>A notification the session does not relay: why, and how it is recorded.</summary>
internal readonly record struct NotificationRefusal(GatewayError Error, NotificationFate Fate);
