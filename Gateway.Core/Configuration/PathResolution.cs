namespace McpGateway.Core.Configuration;

/// <summary>
/// Relative paths in a stdio connection mean the same thing wherever the gateway was started from: a <c>command</c>
/// with a directory in it (<c>./server</c>, <c>bin/server</c>) and an argument that starts with <c>./</c> or <c>../</c>
/// are relative to the connection's <c>workingDirectory</c>, or, without one, to the configuration file's folder.
/// A bare command name (<c>node</c>) is looked up on PATH; other arguments (<c>stdio</c>, <c>--port=1</c>,
/// <c>src/x.js</c>) pass unchanged.
/// </summary>
internal static class PathResolution
{
    public static string Command(string command, string baseDirectory) =>
        command.Length > 0 && !Path.IsPathRooted(command) && command.Contains('/', StringComparison.Ordinal)
            ? Path.GetFullPath(command, baseDirectory)
            : command;

    public static string Argument(string argument, string baseDirectory) =>
        IsExplicitlyRelative(argument) ? Path.GetFullPath(argument, baseDirectory) : argument;

    private static bool IsExplicitlyRelative(string argument) =>
        argument is "." or ".."
        || argument.StartsWith("./", StringComparison.Ordinal)
        || argument.StartsWith("../", StringComparison.Ordinal)
        || (OperatingSystem.IsWindows() && (argument.StartsWith(@".\", StringComparison.Ordinal) || argument.StartsWith(@"..\", StringComparison.Ordinal)));
}
