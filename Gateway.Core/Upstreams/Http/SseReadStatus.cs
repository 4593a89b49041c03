namespace McpGateway.Core.Upstreams.Http;

/// <summary>What <see cref="SseEventReader.ReadAsync"/> found.</summary>
internal enum SseReadStatus
{
    /// <summary>An event with data: <see cref="SseEventReader.EventType"/> and <see cref="SseEventReader.Data"/>.</summary>
    Event,

    /// <summary>The stream ended (an event it left unfinished is discarded, as the SSE standard says).</summary>
    End,

    /// <summary>An event's data, or a line, grew past the frame size limit: nothing more is read.</summary>
    TooLarge,
}
