namespace McpGateway.Core.Sessions;

/// <summary>How a notification the session does not relay is recorded.</summary>
internal enum NotificationFate
{
    /// <summary>Misused (a request method without an id): recorded with verdict <c>invalid</c> and counted.</summary>
    Invalid,

    /// <summary>A method nobody may relay: recorded as <c>dropped</c>.</summary>
    Dropped,

    /// <summary>Refused by a rule of the gateway (the lifecycle): recorded as <c>rejected</c> and counted.</summary>
    Rejected,
}
