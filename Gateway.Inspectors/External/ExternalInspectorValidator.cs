using System.Globalization;
using System.Net;
using McpGateway.Core.Configuration;
using McpGateway.Inspectors.Approval;
using McpGateway.Inspectors.Policy;

namespace McpGateway.Inspectors.External;

/// <summary>
/// Turns the <c>externalInspectors</c> section into settings (for <see cref="ExternalInspectorsSection"/>), reporting every
/// mistake with the path it was found at, into the loader's one list of errors.
/// </summary>
internal static class ExternalInspectorValidator
{
    private static readonly string[] BuiltInNames = ["authentication", "policy", "masking", "recording"];

    /// <summary>The snapshot's validated entries (the loader reported every mistake in them, with the rest of the file).</summary>
    public static IReadOnlyList<ExternalInspectorSettings> Load(GatewaySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.Features.Get<ExternalInspectorsSettings>()?.Inspectors ?? [];
    }

    /// <summary>The valid entries of the section as bound; each mistake goes to the context's errors, with its path.</summary>
    public static IReadOnlyList<ExternalInspectorSettings> Parse(IDictionary<string, ExternalInspectorOptions> section, SettingsSectionContext context)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(context);
        var parsed = new List<ExternalInspectorSettings>();
        foreach (var (name, options) in section)
        {
            if (Parse(name, options, context, context.Errors) is { } inspector)
            {
                parsed.Add(inspector);
            }
        }

        return parsed;
    }

    private static ExternalInspectorSettings? Parse(string name, ExternalInspectorOptions options, SettingsSectionContext settings, List<string> errors)
    {
        var path = $"externalInspectors.{name}";
        var before = errors.Count;
        if (BuiltInNames.Contains(name, StringComparer.Ordinal))
        {
            errors.Add($"{path}: '{name}' is the name of a built-in inspector");
        }

        if (!settings.Options.Inspectors.Contains(name, StringComparer.Ordinal))
        {
            errors.Add($"{path}: not placed in the chain; name it in \"inspectors\" where it should run");
        }

        var transport = ParseTransport(path, options.Transport, errors);
        string? command = null;
        string? workingDirectory = null;
        string? host = null;
        var port = 0;
        string? socketPath = null;
        switch (transport)
        {
            case ExternalTransport.Stdio:
                if (string.IsNullOrWhiteSpace(options.Command))
                {
                    errors.Add($"{path}.command: required with transport stdio");
                }
                else
                {
                    // A path (it has a separator) is relative to the configuration file; a bare name is looked up on PATH.
                    command = options.Command.Contains('/', StringComparison.Ordinal) ? Path.GetFullPath(options.Command, settings.BaseDirectory) : options.Command;
                }

                workingDirectory = Path.GetFullPath(options.WorkingDirectory ?? ".", settings.BaseDirectory);
                if (!Directory.Exists(workingDirectory))
                {
                    errors.Add($"{path}.workingDirectory: '{workingDirectory}' does not exist");
                }

                break;
            case ExternalTransport.Tcp:
                (host, port) = ParseAddress(path, options.Address, errors);
                break;
            case ExternalTransport.Unix:
                if (string.IsNullOrWhiteSpace(options.Path))
                {
                    errors.Add($"{path}.path: required with transport unix");
                }
                else
                {
                    socketPath = Path.GetFullPath(options.Path, settings.BaseDirectory);
                }

                break;
        }

        Unused(path, transport, options, errors);
        var budget = GatewaySettingsLoader.PositiveTime(options.Budget, ExternalInspectorSettings.DefaultBudget, $"{path}.budget", errors);
        var maxConcurrency = options.MaxConcurrency ?? ExternalInspectorSettings.DefaultMaxConcurrency;
        if (maxConcurrency <= 0)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{path}.maxConcurrency: must be positive, was {maxConcurrency}"));
        }

        var restartAfterTimeouts = options.RestartAfterTimeouts ?? ExternalInspectorSettings.DefaultRestartAfterTimeouts;
        if (restartAfterTimeouts <= 0)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{path}.restartAfterTimeouts: must be positive, was {restartAfterTimeouts}"));
        }

        var failOpen = false;
        switch (options.OnFailure?.Trim().ToUpperInvariant())
        {
            case null or "" or "CLOSED":
                break;
            case "OPEN":
                failOpen = true;
                if (settings.Options.Audit is null)
                {
                    errors.Add($"{path}.onFailure: open needs the audit section, because every frame let through unchecked is recorded");
                }

                break;
            default:
                errors.Add($"{path}.onFailure: '{options.OnFailure}' is not one of closed, open");
                break;
        }

        var helloTimeout = GatewaySettingsLoader.PositiveTime(options.HelloTimeout, ExternalInspectorSettings.DefaultHelloTimeout, $"{path}.helloTimeout", errors);
        var restartDelay = GatewaySettingsLoader.PositiveTime(options.RestartDelay, ExternalInspectorSettings.DefaultRestartDelay, $"{path}.restartDelay", errors);
        var maxRestartDelay = GatewaySettingsLoader.PositiveTime(options.MaxRestartDelay, ExternalInspectorSettings.DefaultMaxRestartDelay, $"{path}.maxRestartDelay", errors);
        if (maxRestartDelay < restartDelay)
        {
            errors.Add($"{path}.maxRestartDelay: must not be shorter than restartDelay");
        }

        var approval = ParseApproval($"{path}.approval", options.Approval, settings, errors);
        if (errors.Count > before)
        {
            return null;
        }

        return new ExternalInspectorSettings
        {
            Name = name,
            Transport = transport!.Value,
            Command = command,
            Args = [.. options.Args],
            WorkingDirectory = workingDirectory,
            Environment = new Dictionary<string, string>(options.Env, StringComparer.Ordinal),
            Host = host,
            Port = port,
            SocketPath = socketPath,
            Budget = budget,
            MaxConcurrency = maxConcurrency,
            FailOpen = failOpen,
            HelloTimeout = helloTimeout,
            RestartDelay = restartDelay,
            MaxRestartDelay = maxRestartDelay,
            RestartAfterTimeouts = restartAfterTimeouts,
            Approval = approval,
        };
    }

    private static ExternalTransport? ParseTransport(string path, string? transport, List<string> errors)
    {
        switch (transport?.Trim().ToUpperInvariant())
        {
            case "STDIO":
                return ExternalTransport.Stdio;
            case "TCP":
                return ExternalTransport.Tcp;
            case "UNIX":
                return ExternalTransport.Unix;
            case null or "":
                errors.Add($"{path}.transport: required; one of stdio, tcp, unix");
                return null;
            default:
                errors.Add($"{path}.transport: '{transport}' is not one of stdio, tcp, unix");
                return null;
        }
    }

    private static (string? Host, int Port) ParseAddress(string path, string? address, List<string> errors)
    {
        var colon = address?.LastIndexOf(':') ?? -1;
        if (string.IsNullOrWhiteSpace(address) || colon <= 0
            || !int.TryParse(address.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is <= 0 or > IPEndPoint.MaxPort)
        {
            errors.Add($"{path}.address: required with transport tcp, as host:port, e.g. \"127.0.0.1:7600\"");
            return (null, 0);
        }

        return (address[..colon].Trim('[', ']'), port);
    }

    /// <summary>Settings of another transport are mistakes, not silently ignored.</summary>
    private static void Unused(string path, ExternalTransport? transport, ExternalInspectorOptions options, List<string> errors)
    {
        if (transport is null)
        {
            return;
        }

        var text = transport.Value.ToString().ToLowerInvariant();
        if (transport != ExternalTransport.Stdio && (options.Command is not null || options.Args.Count > 0 || options.WorkingDirectory is not null || options.Env.Count > 0))
        {
            errors.Add($"{path}: command, args, workingDirectory and env apply to transport stdio only, not {text}");
        }

        if (transport != ExternalTransport.Tcp && options.Address is not null)
        {
            errors.Add($"{path}.address: applies to transport tcp only, not {text}");
        }

        if (transport != ExternalTransport.Unix && options.Path is not null)
        {
            errors.Add($"{path}.path: applies to transport unix only, not {text}");
        }
    }

    private static ApprovalRequirement? ParseApproval(string path, ExternalApprovalOptions? options, SettingsSectionContext settings, List<string> errors)
    {
        if (options is null)
        {
            return null;
        }

        if (settings.Get<ApprovalSettings>() is null)
        {
            errors.Add($"{path}: needs the approvals section (or a policy), where held calls are kept");
        }

        var groups = options.ApproverGroups.Where(g => !string.IsNullOrWhiteSpace(g)).Distinct(StringComparer.Ordinal).ToArray();
        if (groups.Length == 0)
        {
            errors.Add($"{path}.approverGroups: at least one group whose members may decide");
        }

        var required = options.RequiredApprovals ?? 1;
        if (required <= 0)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{path}.requiredApprovals: must be positive, was {required}"));
        }

        var timeout = GatewaySettingsLoader.PositiveTime(options.Timeout, ApprovalRequirement.DefaultTimeout, $"{path}.timeout", errors);
        var maxGrant = options.MaxGrant ?? TimeSpan.Zero;
        if (maxGrant < TimeSpan.Zero)
        {
            errors.Add($"{path}.maxGrant: must not be negative");
        }

        return new ApprovalRequirement(groups, required, timeout, maxGrant);
    }
}
