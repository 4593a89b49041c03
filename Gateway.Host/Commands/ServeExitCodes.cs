using McpGateway.Host.Cli;

namespace McpGateway.Host.Commands;

/// <summary>
/// How <c>mcpgw serve</c> ends, so that a service manager can tell a mistake that a restart will not cure from one
/// that it may (the Debian unit's <c>RestartPreventExitStatus</c> lists the first kind).
/// </summary>
internal static class ServeExitCodes
{
    /// <summary>Stopped on request (SIGTERM, Ctrl+C) after draining.</summary>
    public const int Stopped = 0;

    /// <summary>The configuration file is invalid (including a stdio <c>command</c> that cannot be found); nothing listened.</summary>
    public const int InvalidConfiguration = 1;

    /// <summary>The command line is wrong.</summary>
    public const int BadUsage = MainCommand.BadUsage;

    /// <summary>A listen address is taken by another process.</summary>
    public const int AddressInUse = 10;

    /// <summary>A listen address cannot be bound for another reason (not an address of this machine, a privileged port).</summary>
    public const int CannotListen = 11;
}
