using McpGateway.Core.Chain;

namespace McpGateway.Core.Masking;

/// <summary>
/// Masks what the audit store and approval notices get. Responses are masked in flight by the mask inspector
/// (the recorder sees them already masked, because recording runs last); request arguments travel to the
/// upstream unchanged and are masked only for the record. Registered by the masking built-in; absent when
/// masking is not configured.
/// </summary>
public interface IRecordMasker
{
    /// <summary>The frame's JSON with every detected secret replaced, or null when nothing needed masking.</summary>
    byte[]? MaskForRecord(McpFrame frame);
}
