namespace McpGateway.Host.Bridge;

/// <summary>How a bridge run ended: its exit code and, for a failure, the one line to print to stderr.</summary>
internal sealed record BridgeOutcome(int ExitCode, string? Message);
