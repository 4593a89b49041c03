using System.CommandLine;
using McpGateway.Host.Commands;
using McpGateway.Inspectors.Recording;

namespace McpGateway.Host.Cli;

/// <summary><c>mcpgw audit ...</c> and <c>mcpgw replay</c>: the audit store, read and kept by the operator.</summary>
internal static class AuditCommands
{
    public static GatewayCommand Create(TimeProvider timeProvider)
    {
        var group = new GatewayCommand("audit", "the audit store: verify it, query it, prove records in it, purge old ones");
        group.Subcommands.Add(Verify(timeProvider));
        group.Subcommands.Add(Query());
        group.Subcommands.Add(Prove());
        group.Subcommands.Add(Consistency());
        group.Subcommands.Add(CheckProof());
        group.Subcommands.Add(Keygen());
        group.Subcommands.Add(Purge(timeProvider));
        group.Subcommands.Add(Seal(timeProvider));
        return group;
    }

    public static GatewayCommand Replay(TimeProvider timeProvider)
    {
        var session = new Argument<string>("SESSION") { Description = "the session id, as audit query shows it" };
        var config = CommonOptions.Config();
        var progress = CommonOptions.Progress();
        var log = CommonOptions.Log("the PostgreSQL log to search (default: every log)");
        var command = new GatewayCommand("replay", "a recorded session step by step, from the audit store only (masked payloads; no upstream is contacted)")
        {
            Synopsis = ["mcpgw replay SESSION --config FILE [--log ID] [--progress]"],
            ExitCodes = "0 shown, 1 no such session or the store cannot be read, 2 usage",
        };
        command.Arguments.Add(session);
        command.Options.Add(config);
        command.Options.Add(log);
        command.Options.Add(progress);
        command.SetAction((result, cancellationToken) =>
        {
            var error = CommonOptions.Error(result);
            return ReplayCommand.RunAsync(
                result.GetRequiredValue(session), result.GetRequiredValue(config), result.GetValue(log), ProgressReporter.For(result.GetValue(progress), error, "scanned", timeProvider),
                CommonOptions.Output(result), error, cancellationToken);
        });
        return command;
    }

    private static GatewayCommand Verify(TimeProvider timeProvider)
    {
        var source = new AuditStoreOptions("the PostgreSQL log to verify (default: every log, each on its own)");
        var publicKey = CommonOptions.Value("--public-key", "PEM", "the checkpoint signing key's public key (default: the configuration's audit.signingKeyFile)");
        var anchors = new Option<string[]>("--anchors")
        {
            Description = "checkpoints kept outside the store (files or URLs) to check the store against",
            HelpName = "FILE|URL",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = true,
        };
        var progress = CommonOptions.Progress();
        var quiet = new Option<bool>("--quiet") { Description = "no progress, even on a terminal (not with --progress)" };
        var command = new GatewayCommand("verify", "recompute the audit store's hash chain and check its chain of signed checkpoints, also against anchors kept outside the store; report modified, deleted, reordered, inserted, truncated and checkpoints_missing records with their range")
        {
            Synopsis = ["mcpgw audit verify --config FILE | --store PATH [--log ID] [--public-key PEM] [--anchors FILE|URL ...] [--progress | --quiet]"],
            ExitCodes = "0 the store is intact (warnings do not fail), 1 findings, or the store or a key cannot be read, 2 usage",
        };
        source.AddTo(command);
        command.Options.Add(publicKey);
        command.Options.Add(source.Log);
        command.Options.Add(anchors);
        command.Options.Add(progress);
        command.Options.Add(quiet);
        command.SetAction((result, cancellationToken) =>
        {
            if (result.GetValue(progress) && result.GetValue(quiet))
            {
                return Task.FromResult(MainCommand.Refuse(result, $"{progress.Name} and {quiet.Name} contradict each other: give one of them"));
            }

            var options = new AuditVerifyOptions(
                source.Read(result), result.GetValue(publicKey), result.GetValue(anchors) ?? [], result.GetValue(progress), result.GetValue(quiet));
            return AuditVerifyCommand.RunAsync(options, CommonOptions.Output(result), CommonOptions.Error(result), timeProvider, cancellationToken);
        });
        return command;
    }

    private static GatewayCommand Query()
    {
        var config = CommonOptions.Config();
        var json = new Option<bool>("--json") { Description = "JSON lines (payloads as JSON) instead of a table" };
        var log = CommonOptions.Log("the PostgreSQL log to read (default: every log)");
        var filters = new (string Name, string HelpName, string Description)[]
        {
            ("subject", "S", "records of this subject"),
            ("group", "G", "records of sessions with this group"),
            ("connection", "C", "records of this connection"),
            ("tool", "T", "records of calls to this tool"),
            ("verdict", "V", "records with this verdict (allowed, blocked, masked, held, ...)"),
            ("since", "TIME", "records at or after TIME (ISO 8601, e.g. 2026-11-22T01:00:00Z; UTC unless it says)"),
            ("until", "TIME", "records before TIME"),
            ("after", "SEQ", "records after sequence SEQ (to page on)"),
            ("limit", "N", "at most N records"),
        };
        var command = new GatewayCommand("query", "audit records matching every filter, as a table or JSON lines")
        {
            Synopsis = ["mcpgw audit query --config FILE [--log ID] [--subject S] [--group G] [--connection C] [--tool T] [--verdict V] [--since TIME] [--until TIME] [--after SEQ] [--limit N] [--json]"],
        };
        command.Options.Add(config);
        command.Options.Add(log);
        var options = new List<(string Name, Option<string> Option)>();
        foreach (var (name, helpName, description) in filters)
        {
            var option = CommonOptions.Value("--" + name, helpName, description);
            options.Add((name, option));
            command.Options.Add(option);
        }

        command.Options.Add(json);
        command.SetAction((result, cancellationToken) =>
        {
            var given = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (name, option) in options)
            {
                if (result.GetValue(option) is { } value)
                {
                    given[name] = value;
                }
            }

            return AuditCommand.QueryAsync(result.GetRequiredValue(config), result.GetValue(log), given, result.GetValue(json), CommonOptions.Output(result), CommonOptions.Error(result), cancellationToken);
        });
        return command;
    }

    private static GatewayCommand Prove()
    {
        var sequence = CommonOptions.Number("SEQ", "the record's sequence number", 1, "a record's sequence number (1 or more)");
        var source = new AuditStoreOptions("the PostgreSQL log SEQ belongs to (needed when the store holds several)");
        var size = CommonOptions.NumberValue("--size", "N", "prove against the tree of the first N records (default: the newest signed tree head)", 0, "a tree size");
        var command = new GatewayCommand("prove", "an inclusion proof (JSON) of record SEQ in the newest signed tree head (or size N)")
        {
            Synopsis = ["mcpgw audit prove SEQ --config FILE [--log ID] | --store PATH [--size N]"],
        };
        command.Arguments.Add(sequence);
        source.AddTo(command);
        command.Options.Add(size);
        command.Options.Add(source.Log);
        command.SetAction((result, cancellationToken) => AuditProofCommand.ProveAsync(
            source.Read(result), result.GetRequiredValue(sequence), result.GetValue(size), CommonOptions.Output(result), CommonOptions.Error(result), cancellationToken));
        return command;
    }

    private static GatewayCommand Consistency()
    {
        var oldSize = CommonOptions.Number("OLD", "the size of the older signed log", 0, "a tree size");
        var newSize = CommonOptions.Number("NEW", "the size of the newer signed log", 0, "a tree size");
        var source = new AuditStoreOptions("the PostgreSQL log (needed when the store holds several)");
        var command = new GatewayCommand("consistency", "a consistency proof (JSON): the signed log of OLD records is a prefix of NEW's")
        {
            Synopsis = ["mcpgw audit consistency OLD NEW --config FILE [--log ID] | --store PATH"],
        };
        command.Arguments.Add(oldSize);
        command.Arguments.Add(newSize);
        source.AddTo(command);
        command.Options.Add(source.Log);
        command.SetAction((result, cancellationToken) => AuditProofCommand.ConsistencyAsync(
            source.Read(result), result.GetRequiredValue(oldSize), result.GetRequiredValue(newSize), CommonOptions.Output(result), CommonOptions.Error(result), cancellationToken));
        return command;
    }

    private static GatewayCommand CheckProof()
    {
        var file = new Argument<string>("FILE") { Description = "the proof (JSON) to check, or - for stdin" };
        file.Validators.Add(result =>
        {
            // Any word fills FILE, so an option misspelt or misplaced would otherwise be read as a proof's file name.
            if (result.GetValueOrDefault<string>() is { } value && value.StartsWith("--", StringComparison.Ordinal))
            {
                result.AddError($"unrecognized option '{value}' (a proof whose file name starts with dashes: ./{value})");
            }
        });
        var publicKey = CommonOptions.Value("--public-key", "PEM", "the checkpoint signing key's public key", required: true);
        var command = new GatewayCommand("check-proof", "check a proof offline, with the public key alone")
        {
            Synopsis = ["mcpgw audit check-proof FILE|- --public-key PEM"],
            ExitCodes = "0 the proof holds, 1 it does not (or cannot be read), 2 usage",
        };
        command.Arguments.Add(file);
        command.Options.Add(publicKey);
        command.SetAction((result, cancellationToken) => AuditProofCommand.CheckAsync(
            result.GetRequiredValue(file), result.GetRequiredValue(publicKey), CommonOptions.Output(result), CommonOptions.Error(result), cancellationToken));
        return command;
    }

    private static GatewayCommand Keygen()
    {
        var path = CommonOptions.Value("--out", "FILE", "where to write the private key (FILE.pub.pem gets the public key); never overwritten", required: true);
        var command = new GatewayCommand("keygen", "a new ECDSA P-256 checkpoint signing key (FILE) and its public key (FILE.pub.pem)")
        {
            Synopsis = ["mcpgw audit keygen --out FILE"],
        };
        command.Options.Add(path);
        command.SetAction((result, _) => AuditCommand.KeygenAsync(result.GetRequiredValue(path), CommonOptions.Output(result), CommonOptions.Error(result)));
        return command;
    }

    private static GatewayCommand Purge(TimeProvider timeProvider)
    {
        var config = CommonOptions.Config();
        var progress = CommonOptions.Progress();
        var command = new GatewayCommand("purge", "apply audit.retention now: purge the oldest records behind a signed anchor")
        {
            Synopsis = ["mcpgw audit purge --config FILE [--progress]"],
        };
        command.Options.Add(config);
        command.Options.Add(progress);
        command.SetAction((result, cancellationToken) =>
        {
            var error = CommonOptions.Error(result);
            return AuditCommand.PurgeAsync(
                result.GetRequiredValue(config), ProgressReporter.For(result.GetValue(progress), error, "purged", timeProvider),
                CommonOptions.Output(result), error, cancellationToken);
        });
        return command;
    }

    private static GatewayCommand Seal(TimeProvider timeProvider)
    {
        var config = CommonOptions.Config();
        var log = CommonOptions.Value("--log", "ID", "the log of the instance that is gone for good", required: true);
        var command = new GatewayCommand("seal", "the final checkpoint of a PostgreSQL log whose instance is gone for good (refused while it may still run)")
        {
            Synopsis = ["mcpgw audit seal --config FILE --log ID"],
        };
        command.Options.Add(config);
        command.Options.Add(log);
        command.SetAction((result, cancellationToken) => AuditSealCommand.RunAsync(
            result.GetRequiredValue(config), result.GetRequiredValue(log), CommonOptions.Output(result), CommonOptions.Error(result), timeProvider, cancellationToken));
        return command;
    }
}
