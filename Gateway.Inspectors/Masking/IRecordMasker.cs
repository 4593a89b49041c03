using McpGateway.Core.Chain;

namespace McpGateway.Inspectors.Masking;

/// <summary>
/// Masks what the audit store and approval notices get. Responses are masked in flight by the mask inspector
/// (the recorder sees them already masked, because recording runs last); request arguments travel to the
/// upstream unchanged and are masked only for the record. Registered by the masking built-in; absent when
/// masking is not configured.
/// </summary>
internal interface IRecordMasker
{
    /// <summary>The frame's JSON with every detected secret replaced, or null when nothing needed masking.</summary>
    byte[]? MaskForRecord(McpFrame frame);

    /// <summary>
    /// The frame's JSON as approvers see it: masked as for the record, each label also saying how many characters it
    /// hides. By default the record's masking.
    /// </summary>
    byte[]? MaskForApproval(McpFrame frame) => MaskForRecord(frame);

    /// <summary>An id as the audit record's id column may show it (JSON text), or null when it holds nothing to mask.</summary>
    string? MaskId(IGatewaySession session, Core.Framing.JsonRpcId id) => null;
}
