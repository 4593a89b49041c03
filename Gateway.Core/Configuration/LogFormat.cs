namespace McpGateway.Core.Configuration;

/// <summary>How the gateway writes its logs to the console.</summary>
internal enum LogFormat
{
    /// <summary>One human-readable line per entry.</summary>
    Simple,

    /// <summary>One JSON object per line, with the message template's values as properties.</summary>
    Json,
}
