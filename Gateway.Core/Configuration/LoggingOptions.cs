namespace McpGateway.Core.Configuration;

/// <summary>The <c>logging</c> section: console output format and minimum level.</summary>
internal sealed class LoggingOptions
{
    /// <summary><c>simple</c> (default, one line per entry) or <c>json</c> (one JSON object per line).</summary>
    public string? Format { get; set; }

    /// <summary>A <c>Microsoft.Extensions.Logging.LogLevel</c> name; default <c>Information</c>.</summary>
    public string? Level { get; set; }
}
