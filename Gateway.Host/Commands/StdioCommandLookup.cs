using McpGateway.Core.Configuration;
using Microsoft.Extensions.Configuration;

namespace McpGateway.Host.Commands;

/// <summary>
/// Whether each stdio connection's <c>command</c> can be started, found the way the process start will look for it: a
/// path as it is (the loader made relative ones absolute), a bare name in the program's folder, the current folder,
/// then each PATH entry. Checked by <c>config check</c> and before <c>serve</c> listens, so that a typo is one line at
/// start-up rather than a failure in every session.
/// </summary>
internal static class StdioCommandLookup
{
    public static List<string> Missing(GatewaySettings settings) =>
        Missing(settings.Connections.Values.OfType<StdioConnectionSettings>().Select(c => (c.Name, c.Command)));

    /// <summary>The same check on a file the loader refused, so that a missing command is reported with its other mistakes.</summary>
    public static List<string> Missing(IConfiguration configuration, string baseDirectory)
    {
        var commands = new List<(string, string)>();
        foreach (var connection in configuration.GetSection("connections").GetChildren())
        {
            if (string.Equals(connection["transport"]?.Trim(), "stdio", StringComparison.OrdinalIgnoreCase) && connection["command"] is { Length: > 0 } command)
            {
                var workingDirectory = connection["workingDirectory"] is { } folder ? Path.GetFullPath(folder, baseDirectory) : baseDirectory;
                commands.Add((connection.Key, PathResolution.Command(command, workingDirectory)));
            }
        }

        return Missing(commands);
    }

    private static List<string> Missing(IEnumerable<(string Name, string Command)> commands)
    {
        var errors = new List<string>();
        foreach (var (name, command) in commands.Where(c => c.Command.Length > 0).OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            if (Find(command) is null)
            {
                errors.Add(command.Contains('/', StringComparison.Ordinal)
                    ? $"connections.{name}.command: '{command}' does not exist or is not executable"
                    : $"connections.{name}.command: '{command}' was not found on PATH ({Environment.GetEnvironmentVariable("PATH")})");
            }
        }

        return errors;
    }

    /// <summary>The full path the command starts from, or null when there is none.</summary>
    public static string? Find(string command)
    {
        if (command.Contains('/', StringComparison.Ordinal) || Path.IsPathRooted(command))
        {
            var full = Path.GetFullPath(command);
            return IsExecutable(full) ? full : null;
        }

        var folders = new[] { AppContext.BaseDirectory, Environment.CurrentDirectory }
            .Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        return folders.Select(folder => Path.Combine(folder, command)).FirstOrDefault(IsExecutable);
    }

    private static bool IsExecutable(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        if (OperatingSystem.IsWindows())
        {
            return true;
        }

        const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return (File.GetUnixFileMode(path) & AnyExecute) != 0;
    }
}
