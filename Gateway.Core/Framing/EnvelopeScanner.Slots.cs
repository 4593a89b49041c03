using System.Text.Json;

namespace McpGateway.Core.Framing;

/// <summary>Which member a value belongs to, and which values the pass notes the place of for later stages.</summary>
internal sealed partial class EnvelopeScanner
{
    // Which member the next value token belongs to.
    private enum Slot : byte
    {
        None,
        JsonRpc,
        Id,
        Method,
        Params,
        Result,
        Error,
        ParamsName,
        ParamsRequestId,
        ParamsUri,
        ParamsRef,
        RefIdentifier,
        ParamsMeta,
        ErrorData,

        // Slots from here on only note where their value sits (see FactOf).
        ParamsTaskId,
        ParamsToken,
        ParamsConnection,
        ParamsProgressToken,
        MetaProgressToken,
        MetaProtocolVersion,
        ProtocolVersion,
        SupportedVersions,
        ErrorDataRpcId,
    }

    // The values whose place the pass notes, for the envelope's FrameValue members.
    private enum Fact : byte
    {
        Id,
        Params,
        Name,
        Uri,
        TaskId,
        RequestId,
        Token,
        Connection,
        ParamsProgressToken,
        MetaProgressToken,
        MetaProtocolVersion,
        ProtocolVersion,
        SupportedVersions,
        ErrorRpcId,
        Count,
        None = byte.MaxValue,
    }

    // The direct members of params the rules, the front door and the HTTP upstream read.
    private static Slot ParamsSlot(ReadOnlySpan<byte> name) => name.Length switch
    {
        3 when name.SequenceEqual("uri"u8) => Slot.ParamsUri,
        3 when name.SequenceEqual("ref"u8) => Slot.ParamsRef,
        4 when name.SequenceEqual("name"u8) => Slot.ParamsName,
        5 when name.SequenceEqual("_meta"u8) => Slot.ParamsMeta,
        5 when name.SequenceEqual("token"u8) => Slot.ParamsToken,
        6 when name.SequenceEqual("taskId"u8) => Slot.ParamsTaskId,
        9 when name.SequenceEqual("requestId"u8) => Slot.ParamsRequestId,
        10 when name.SequenceEqual("connection"u8) => Slot.ParamsConnection,
        13 when name.SequenceEqual("progressToken"u8) => Slot.ParamsProgressToken,
        15 when name.SequenceEqual("protocolVersion"u8) => Slot.ProtocolVersion,
        _ => Slot.None,
    };

    // Which noted value a slot's value is; Fact.None for slots whose value is only checked.
    private static Fact FactOf(Slot slot) => slot switch
    {
        Slot.Id => Fact.Id,
        Slot.Params => Fact.Params,
        Slot.ParamsName => Fact.Name,
        Slot.ParamsUri => Fact.Uri,
        Slot.ParamsRequestId => Fact.RequestId,
        Slot.ParamsTaskId => Fact.TaskId,
        Slot.ParamsToken => Fact.Token,
        Slot.ParamsConnection => Fact.Connection,
        Slot.ParamsProgressToken => Fact.ParamsProgressToken,
        Slot.MetaProgressToken => Fact.MetaProgressToken,
        Slot.MetaProtocolVersion => Fact.MetaProtocolVersion,
        Slot.ProtocolVersion => Fact.ProtocolVersion,
        Slot.SupportedVersions => Fact.SupportedVersions,
        Slot.ErrorDataRpcId => Fact.ErrorRpcId,
        _ => Fact.None,
    };

    private static JsonValueKind KindOf(JsonTokenType type) => type switch
    {
        JsonTokenType.StartObject => JsonValueKind.Object,
        JsonTokenType.StartArray => JsonValueKind.Array,
        JsonTokenType.String => JsonValueKind.String,
        JsonTokenType.Number => JsonValueKind.Number,
        JsonTokenType.True => JsonValueKind.True,
        JsonTokenType.False => JsonValueKind.False,
        _ => JsonValueKind.Null,
    };
}
