namespace McpGateway.Host.Commands;

/// <summary>What <c>mcpgw audit verify</c> was asked to check, and how, as its command line gave it.</summary>
/// <param name="Source">The store (<c>--config</c> or <c>--store</c>) and, with PostgreSQL, the one log to verify (<c>--log</c>).</param>
/// <param name="PublicKey">The checkpoint public key (<c>--public-key</c>); null for the configuration's, if any.</param>
/// <param name="Anchors">Files or URLs of checkpoints kept outside the store (<c>--anchors</c>); empty for none.</param>
/// <param name="Progress"><c>--progress</c>: report progress even when the error output is not a terminal.</param>
/// <param name="Quiet"><c>--quiet</c>: no progress, even on a terminal.</param>
internal sealed record AuditVerifyOptions(AuditStoreSource Source, string? PublicKey, IReadOnlyList<string> Anchors, bool Progress, bool Quiet);
