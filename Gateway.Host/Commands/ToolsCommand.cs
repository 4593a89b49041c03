using System.Globalization;
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
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var (verb, rest) = args switch
        {
            ["list", .. var r] => ("list", r),
            ["approve", .. var r] => ("approve", r),
            _ => ("", args),
        };
        var options = verb switch
        {
            "list" => Usage.Options(rest, "config"),
            "approve" => Usage.Options(rest, "config", "connection", "tool"),
            _ => null,
        };
        if (options is null || !options.TryGetValue("config", out var config) || (verb == "approve" && !(options.ContainsKey("connection") && options.ContainsKey("tool"))))
        {
            error.WriteLine("usage: mcpgw tools list --config FILE");
            error.WriteLine("       mcpgw tools approve --config FILE --connection NAME --tool NAME");
            return Usage.BadUsage;
        }

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
        if (verb == "list")
        {
            foreach (var (connection, tool, pin) in store.List())
            {
                var state = pin.IsChanged
                    ? string.Create(CultureInfo.InvariantCulture, $"CHANGED at {pin.ChangedAt:u}, awaiting approval ({pin.ChangedFingerprint![..12]})")
                    : string.Create(CultureInfo.InvariantCulture, $"pinned {pin.PinnedAt:u}");
                output.WriteLine($"{connection}\t{tool}\t{pin.Fingerprint[..12]}\t{state}");
            }

            return 0;
        }

        if (!store.Approve(options["connection"], options["tool"]))
        {
            error.WriteLine($"mcpgw: tool '{options["tool"]}' of connection '{options["connection"]}' has no changed definition to approve");
            return 1;
        }

        output.WriteLine($"approved the new definition of '{options["tool"]}' on '{options["connection"]}'");
        return 0;
    }
}
