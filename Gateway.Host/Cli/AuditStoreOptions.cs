using System.CommandLine;
using McpGateway.Host.Commands;

namespace McpGateway.Host.Cli;

/// <summary>
/// <c>--config FILE | --store PATH</c> (exactly one) and <c>--log ID</c>: which audit store a command reads, and which
/// of a PostgreSQL store's logs, spelled the same by every command that takes them (<c>verify</c>, <c>prove</c>,
/// <c>consistency</c>).
/// </summary>
internal sealed class AuditStoreOptions
{
    private readonly Option<string> _config = CommonOptions.Config(required: false);
    private readonly Option<string> _store = CommonOptions.Store();

    /// <param name="logDescription">What <c>--log</c> names for this command.</param>
    public AuditStoreOptions(string logDescription) => Log = CommonOptions.Log(logDescription);

    /// <summary><c>--log</c>, for the command to place among its options (help lists them in the order added).</summary>
    public Option<string> Log { get; }

    /// <summary>Adds <c>--config</c> and <c>--store</c> to <paramref name="command"/>, one of them required, and refuses <c>--log</c> beside <c>--store</c>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(_config);
        command.Options.Add(_store);
        CommonOptions.RequireOneOf(command, _config, _store);
        command.Validators.Add(result =>
        {
            if (result.GetResult(_store) is not null && result.GetResult(Log) is not null)
            {
                result.AddError($"{Log.Name} names a log of a PostgreSQL store (--config); a SQLite file ({_store.Name}) holds one log");
            }
        });
    }

    public AuditStoreSource Read(ParseResult result) => new(result.GetValue(_config), result.GetValue(_store), result.GetValue(Log));
}
