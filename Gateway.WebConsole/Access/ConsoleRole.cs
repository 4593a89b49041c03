namespace McpGateway.WebConsole.Access;

/// <summary>What a console page needs of the person looking at it.</summary>
public enum ConsoleRole
{
    /// <summary>An approver or an auditor.</summary>
    Any,
    Approver,
    Auditor,
}
