namespace McpGateway.Core.Configuration;

/// <summary>
/// Speak MCP Streamable HTTP to <see cref="Url"/>: one POST per message, SSE responses relayed event by event. The
/// <see cref="Headers"/> (e.g. an API key) are the gateway's: resolved when a session opens, sent with every request,
/// never shown to the client and never logged.
/// </summary>
internal sealed record HttpConnectionSettings : ConnectionSettings
{
    public required Uri Url { get; init; }

    public IReadOnlyDictionary<string, EnvironmentValue> Headers { get; init; } = new Dictionary<string, EnvironmentValue>();
}
