namespace McpGateway.Host.Commands;

/// <summary>
/// The audit store a command reads, as its command line names it: the store of the configuration file
/// <paramref name="Config"/> (<c>--config</c>), or the SQLite file <paramref name="Store"/> itself (<c>--store</c>);
/// exactly one of them. <paramref name="Log"/> (<c>--log</c>) names one log of a PostgreSQL store.
/// </summary>
internal sealed record AuditStoreSource(string? Config, string? Store, string? Log);
