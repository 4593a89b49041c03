namespace McpGateway.Core.Framing;

/// <summary>What <see cref="FrameReader.TryReadFrame"/> found in the buffered bytes.</summary>
internal enum FrameReadStatus
{
    /// <summary>A complete frame was sliced off the buffer.</summary>
    Frame,

    /// <summary>No newline yet and the pending bytes are within the limit: read more.</summary>
    NeedMoreData,

    /// <summary>No newline within the size limit: the frame is rejected and must be skipped.</summary>
    TooLarge,
}
