using System.Globalization;
using McpGateway.Host.Cli;
using McpGateway.Inspectors.Policy;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpGateway.Host.Commands;

/// <summary>
/// <c>mcpgw tools list --config FILE</c> shows the pinned tools; <c>mcpgw tools approve --config FILE --connection X
/// --tool NAME</c> accepts a changed definition. Both work on the pin file the configuration's <c>policy.pins</c>
/// names; a running gateway picks the approval up within its policy reload interval.
/// </summary>
internal static class ToolsCommand
{
    /// <summary><c>mcpgw tools</c> with <paramref name="args"/> (after <c>tools</c>), as typed.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error) => MainCommand.Invoke(["tools", .. args], output, error);

    /// <summary>The pinned tools of the configuration <paramref name="config"/>, one per line.</summary>
    public static int List(string config, TextWriter output, TextWriter error) => Run(config, null, output, error);

    /// <summary>Accepts the changed definition of <paramref name="tool"/> on <paramref name="connection"/>.</summary>
    public static int Approve(string config, string connection, string tool, TextWriter output, TextWriter error) =>
        Run(config, (connection, tool), output, error);

    private static int Run(string config, (string Connection, string Tool)? approve, TextWriter output, TextWriter error)
    {
        var path = Path.GetFullPath(config);
        var errors = new List<string>();
        var policy = File.Exists(path) ? PolicyFileReader.Read(path, errors) : null;
        if (policy?.Pins is not { Length: > 0 } pins)
        {
            error.WriteLine(errors.Count > 0
                ? $"mcpgw: {string.Join("; ", errors)}"
                : $"mcpgw: {config} has no policy.pins; tool pinning is off");
            return 1;
        }

        var store = new ToolPinStore(Path.GetFullPath(pins, Path.GetDirectoryName(path)!), TimeProvider.System, NullLogger.Instance);
        if (approve is null)
        {
            foreach (var (pinnedConnection, pinnedTool, pin) in store.List())
            {
                var state = pin.IsChanged
                    ? string.Create(CultureInfo.InvariantCulture, $"CHANGED at {pin.ChangedAt:u}, awaiting approval ({pin.ChangedFingerprint![..12]})")
                    : string.Create(CultureInfo.InvariantCulture, $"pinned {pin.PinnedAt:u}");
                output.WriteLine($"{pinnedConnection}\t{pinnedTool}\t{pin.Fingerprint[..12]}\t{state}");
            }

            return 0;
        }

        var (connection, tool) = approve.Value;
        if (!store.Approve(connection, tool))
        {
            error.WriteLine($"mcpgw: tool '{tool}' of connection '{connection}' has no changed definition to approve");
            return 1;
        }

        output.WriteLine($"approved the new definition of '{tool}' on '{connection}'");
        return 0;
    }
}
