using System.Buffers;
using System.Text;
using System.Text.Json;
using McpGateway.Core.Errors;

namespace McpGateway.Core.Framing;

/// <summary>The end of the pass: the message's shape, the values met before the method was known, and the identifiers checked once the method is.</summary>
internal sealed partial class EnvelopeScanner
{
    // Decides the shape once every member has been seen; member order never matters. Params belong to a method.
    private GatewayError? Finish(in ReadOnlySequence<byte> frame, out FrameEnvelope envelope)
    {
        MessageKind kind = default;
        GatewayError? error = _error;
        if (error is null && !_versionOk)
        {
            error = GatewayErrors.BadVersion;
        }

        error ??= DecideShape(out kind);

        string? toolName = null;
        JsonRpcId cancelledRequestId = JsonRpcId.None;
        if (error is null && kind == MessageKind.Request && _method == McpMethods.ToolsCall)
        {
            toolName = _toolName;
            if (toolName is null && _nameState == ValueState.String)
            {
                var reader = DeferredReader(frame, _namePosition);
                if (TryUnescape(ref reader, out ReadOnlySpan<byte> value))
                {
                    toolName = _toolNames.GetOrAdd(value);
                }
            }

            if (toolName is null)
            {
                error = GatewayErrors.ToolNameMissing;
            }
        }
        else if (error is null && kind == MessageKind.Notification && _method == McpMethods.NotificationsCancelled)
        {
            if (_requestIdState == ValueState.Number)
            {
                cancelledRequestId = _requestId;
            }
            else if (_requestIdState == ValueState.String)
            {
                var reader = DeferredReader(frame, _requestIdPosition);
                if (TryUnescape(ref reader, out ReadOnlySpan<byte> value))
                {
                    cancelledRequestId = JsonRpcId.FromString(Encoding.UTF8.GetString(value));
                }
            }
        }

        if (error is null && kind is MessageKind.Request or MessageKind.Notification && NamesControlCharacter(_method))
        {
            error = GatewayErrors.ControlCharacterInIdentifier;
        }

        if (error is not null)
        {
            JsonRpcId recovered = !_idAmbiguous && _id.IsValue ? _id : JsonRpcId.None;
            envelope = new FrameEnvelope(kind, recovered, _method, _isKnownMethod, null, JsonRpcId.None);
            return error;
        }

        envelope = new FrameEnvelope(kind, _id, _method, _isKnownMethod, toolName, cancelledRequestId)
        {
            HasInputRequests = _hasInputRequests,
            IdValue = Value(Fact.Id),
            Params = Value(Fact.Params),
            ProgressToken = Value(_method == McpMethods.NotificationsProgress ? Fact.ParamsProgressToken : Fact.MetaProgressToken),
            Target = Value(TargetOf(_method)),
            ProtocolVersion = Value(Fact.ProtocolVersion),
            SupportedVersions = Value(Fact.SupportedVersions),
            ProtocolVersionClaim = Value(Fact.MetaProtocolVersion),
            CancelledRequestIdValue = Value(Fact.RequestId),
            ErrorRpcId = Value(Fact.ErrorRpcId),
            AuthenticateToken = Value(Fact.Token),
            AuthenticateConnection = Value(Fact.Connection),
        };
        return null;
    }

    private FrameValue Value(Fact fact) => fact == Fact.None ? default : _values[(int)fact];

    // The member Mcp-Name mirrors, by method (SEP-2243).
    private static Fact TargetOf(string? method) => method switch
    {
        McpMethods.ToolsCall or McpMethods.PromptsGet => Fact.Name,
        McpMethods.ResourcesRead => Fact.Uri,
        McpMethods.TasksGet or "tasks/update" or McpMethods.TasksCancel => Fact.TaskId,
        _ => Fact.None,
    };

    // The identifiers the rules and logs use: the tool or prompt a call names, the resource it reads or watches.
    private bool NamesControlCharacter(string? method) =>
        (_nameHasControl && (method == McpMethods.ToolsCall || method == McpMethods.PromptsGet))
        || (_uriHasControl && (method == McpMethods.ResourcesRead || method == McpMethods.ResourcesSubscribe
            || method == McpMethods.ResourcesUnsubscribe || method == McpMethods.NotificationsResourcesUpdated))
        || (_refHasControl && method == McpMethods.CompletionComplete);

    private GatewayError? DecideShape(out MessageKind kind)
    {
        kind = default;
        bool hasId = (_members & Members.Id) != 0;
        Members shape = _members & (Members.Method | Members.Result | Members.Error);
        if ((_members & Members.Params) != 0 && shape != Members.Method)
        {
            return GatewayErrors.BadShape;
        }

        switch (shape)
        {
            case Members.Method:
                kind = hasId ? MessageKind.Request : MessageKind.Notification;
                return hasId && !_id.IsValue ? GatewayErrors.BadId : null;
            case Members.Result when hasId:
                kind = MessageKind.Response;
                return _id.IsValue ? null : GatewayErrors.BadId;
            case Members.Error when hasId:
                kind = MessageKind.ErrorResponse;
                return null;
            default:
                return GatewayErrors.BadShape;
        }
    }

    // A reader positioned on a string value remembered by its offset, for values met before the method was known.
    private static Utf8JsonReader DeferredReader(in ReadOnlySequence<byte> frame, long position)
    {
        Utf8JsonReader reader = frame.IsSingleSegment
            ? new Utf8JsonReader(frame.FirstSpan[(int)position..])
            : new Utf8JsonReader(frame.Slice(position));
        reader.Read();
        return reader;
    }
}
