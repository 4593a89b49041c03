namespace McpGateway.Core.Sessions;

internal enum PendingAddResult
{
    Added,
    IdInUse,
    Full,
}
