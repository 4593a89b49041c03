using System.CommandLine;

namespace McpGateway.Host.Cli;

/// <summary>
/// A command of <c>mcpgw</c> with the usage lines its help shows (<see cref="Synopsis"/>, one form per line, as the
/// README lists them) and the exit codes it documents.
/// </summary>
internal sealed class GatewayCommand(string name, string description) : Command(name, description)
{
    /// <summary>The forms of the command line, each a line starting with <c>mcpgw</c>; empty for a group of commands.</summary>
    public IReadOnlyList<string> Synopsis { get; init; } = [];

    /// <summary>What each exit code means, one line per code; null when the command only has 0, 1 and 2 (usage).</summary>
    public string? ExitCodes { get; init; }
}
