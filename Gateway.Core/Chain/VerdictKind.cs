namespace McpGateway.Core.Chain;

/// <summary>What an inspector decided about a frame. The chain, not the inspector, acts on it.</summary>
public enum VerdictKind : byte
{
    /// <summary>Pass the frame on unchanged.</summary>
    Forward,

    /// <summary>Pass on a rewritten frame; its envelope (kind, id, method) must stay the same.</summary>
    Replace,

    /// <summary>Refuse the frame: a request's sender gets the error, a response is replaced by it, a notification is dropped.</summary>
    Reject,

    /// <summary>Park the frame until an asynchronous decision arrives; other frames keep flowing meanwhile.</summary>
    Hold,

    /// <summary>Answer a request at the gateway with a result; nothing is forwarded.</summary>
    Respond,
}
