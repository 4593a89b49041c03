using System.Text.Encodings.Web;
using System.Text.Json;
using McpGateway.Core.Configuration;
using Microsoft.Extensions.Logging;

namespace McpGateway.Core.Diagnostics;

/// <summary>The console logging the <c>logging</c> section asks for: one line per entry, simple or JSON, from the configured level.</summary>
internal static class GatewayLogging
{
    /// <summary>ISO 8601 in UTC with milliseconds, as log pipelines parse it.</summary>
    public const string TimestampFormat = "yyyy'-'MM'-'dd'T'HH':'mm':'ss.fff'Z'";

    public static void Configure(ILoggingBuilder logging, GatewaySettings settings)
    {
        if (settings.LogFormat == LogFormat.Json)
        {
            // UseUtcTimestamp alone writes no timestamp: the format is what turns it on.
            logging.AddJsonConsole(o =>
            {
                o.UseUtcTimestamp = true;
                o.TimestampFormat = TimestampFormat;
                // Log text as written ("client->upstream", "a & b"), not "\u003E": a log line is JSON for a pipeline, not
                // HTML. Control characters and invalid UTF-16 are still escaped, so one entry stays one line.
                o.JsonWriterOptions = new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
            });
        }
        else
        {
            logging.AddSimpleConsole(o => o.SingleLine = true);
        }

        logging.SetMinimumLevel(settings.LogLevel);

        // ASP.NET Core logs every HTTP request at Information: one line per MCP message on the front door. Only at
        // Debug and below, where an operator asks for that much.
        var requests = settings.LogLevel <= LogLevel.Debug ? settings.LogLevel : LogLevel.Warning;
        logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", requests);
        logging.AddFilter("Microsoft.AspNetCore.Routing", requests);
    }
}
