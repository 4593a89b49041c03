using System.Buffers;
using System.Text;
using System.Text.Json;
using McpGateway.Core.Errors;

namespace McpGateway.Core.Framing;

/// <summary>
/// Checks one frame against the parsing rule of the wire contract and finds its envelope (kind, id, method,
/// tool name, cancelled request id) in a single <see cref="Utf8JsonReader"/> pass. One instance per connection
/// direction, reused for every frame and not thread-safe: it keeps scratch state so that scanning an ordinary
/// frame allocates nothing.
/// </summary>
internal sealed partial class EnvelopeScanner
{
    private const int RetainedScratchBytes = 4096;

    private readonly int _maxDepth;
    private readonly JsonReaderOptions _options;
    private readonly byte[] _ownScratch = new byte[256];
    private readonly MemberNameTracker _memberNames = new();
    private readonly ToolNameCache _toolNames = new();
    private byte[] _scratch;

    // State of the current pass, reset by Scan.
    private GatewayError? _error;
    private Members _members;
    private bool _versionOk;
    private JsonRpcId _id;
    private bool _idAmbiguous;
    private string? _method;
    private bool _isKnownMethod;
    private bool _inParams;
    private bool _inResult;
    private bool _hasInputRequests;
    private ValueState _nameState;
    private long _namePosition;
    private string? _toolName;
    private ValueState _requestIdState;
    private long _requestIdPosition;
    private JsonRpcId _requestId;
    private bool _nameHasControl;
    private bool _uriHasControl;
    private bool _inParamsRef;
    private bool _refHasControl;
    private bool _inError;
    private bool _inParamsMeta;
    private bool _inErrorData;
    private readonly FrameValue[] _values = new FrameValue[(int)Fact.Count];

    public EnvelopeScanner(FrameLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limits.MaxDepth);
        _maxDepth = limits.MaxDepth;

        // One level more than the limit, so that going past it is seen here as TooDeep rather than thrown as a
        // parse error by the reader.
        _options = new JsonReaderOptions
        {
            MaxDepth = limits.MaxDepth == int.MaxValue ? int.MaxValue : limits.MaxDepth + 1,
            CommentHandling = JsonCommentHandling.Disallow,
            AllowTrailingCommas = false,
        };
        _scratch = _ownScratch;
    }

    [Flags]
    private enum Members : byte
    {
        None = 0,
        JsonRpc = 1,
        Id = 2,
        Method = 4,
        Params = 8,
        Result = 16,
        Error = 32,
    }

    private enum ValueState : byte
    {
        Absent,
        String,
        Number,
        Other,
    }

    /// <summary>Whether the last frame was accepted by the fast path for ordinary frames (for tests and benchmarks).</summary>
    public bool LastScanWasOrdinary { get; private set; }

    /// <summary>
    /// Scans <paramref name="frame"/> (one line, without its terminator). Returns null when the frame may be
    /// forwarded; otherwise the first violation found, with <see cref="FrameEnvelope.Id"/> set to the id when it
    /// could be read unambiguously and <see cref="JsonRpcId.None"/> otherwise. On error only the id and, when it
    /// was read, the method are meaningful.
    /// </summary>
    public GatewayError? Scan(in ReadOnlySequence<byte> frame, out FrameEnvelope envelope)
    {
        envelope = default;

        // The fast path checks UTF-8 itself, in the strings that hold non-ASCII (the only place the grammar allows it),
        // so the frame is not read a second time for it; whatever it does not accept is checked here first.
        LastScanWasOrdinary = frame.IsSingleSegment && TryScanOrdinary(frame.FirstSpan, frame, out envelope);
        if (LastScanWasOrdinary)
        {
            ReleaseLargeState();
            return null;
        }

        envelope = default;
        if (!JsonTextChecks.IsValidUtf8(frame))
        {
            ReleaseLargeState();
            return GatewayErrors.InvalidUtf8;
        }

        Reset();
        GatewayError? fatal;
        try
        {
            if (frame.IsSingleSegment)
            {
                var reader = new Utf8JsonReader(frame.FirstSpan, _options);
                fatal = ReadAll(ref reader);
            }
            else
            {
                var reader = new Utf8JsonReader(frame, _options);
                fatal = ReadAll(ref reader);
            }
        }
        catch (JsonException)
        {
            fatal = GatewayErrors.ParseError;
        }

        GatewayError? error = fatal ?? Finish(frame, out envelope);
        ReleaseLargeState();
        return error;
    }

    private void Reset()
    {
        _error = null;
        _memberNames.Reset();
        _members = Members.None;
        _versionOk = false;
        _id = JsonRpcId.None;
        _idAmbiguous = false;
        _method = null;
        _isKnownMethod = false;
        _inParams = false;
        _inResult = false;
        _hasInputRequests = false;
        _nameState = ValueState.Absent;
        _namePosition = 0;
        _toolName = null;
        _requestIdState = ValueState.Absent;
        _requestIdPosition = 0;
        _requestId = JsonRpcId.None;
        _nameHasControl = false;
        _uriHasControl = false;
        _inParamsRef = false;
        _refHasControl = false;
        _inError = false;
        _inParamsMeta = false;
        _inErrorData = false;
        _values.AsSpan().Clear();
    }

    // The single pass. Returns the error that stopped it (too deep, not JSON) or null when it read everything.
    private GatewayError? ReadAll(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            return GatewayErrors.ParseError;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            // Keep reading: a frame that is not JSON at all is a parse error rather than a batch.
            Record(reader.TokenType == JsonTokenType.StartArray ? GatewayErrors.Batch : GatewayErrors.NotAnObject);
        }

        Slot pending = Slot.None;
        do
        {
            JsonTokenType type = reader.TokenType;
            if (type == JsonTokenType.PropertyName)
            {
                pending = OnPropertyName(ref reader);
                continue;
            }

            Slot slot = pending;
            pending = Slot.None;
            if (slot != Slot.None && FactOf(slot) is var fact and not Fact.None)
            {
                _values[(int)fact] = new FrameValue((int)reader.TokenStartIndex, (int)(reader.BytesConsumed - reader.TokenStartIndex), KindOf(type));
            }

            switch (type)
            {
                case JsonTokenType.StartObject:
                    if (reader.CurrentDepth >= _maxDepth)
                    {
                        return GatewayErrors.TooDeep;
                    }

                    _memberNames.EnterObject();
                    OnObjectValue(slot);
                    break;
                case JsonTokenType.EndObject:
                    _memberNames.ExitObject();
                    if (reader.CurrentDepth == 2)
                    {
                        _inParamsRef = false;
                        _inParamsMeta = false;
                        _inErrorData = false;
                    }
                    else if (reader.CurrentDepth == 1)
                    {
                        _inParams = false;
                        _inResult = false;
                        _inError = false;
                    }

                    break;
                case JsonTokenType.StartArray:
                    if (reader.CurrentDepth >= _maxDepth)
                    {
                        return GatewayErrors.TooDeep;
                    }

                    OnOtherValue(slot, type);
                    break;
                case JsonTokenType.EndArray:
                    break;
                case JsonTokenType.String:
                    OnString(ref reader, slot);
                    break;
                case JsonTokenType.Number:
                    OnNumber(ref reader, slot);
                    break;
                default:
                    OnOtherValue(slot, type);
                    break;
            }
        }
        while (reader.Read());

        return null;
    }

    private Slot OnPropertyName(ref Utf8JsonReader reader)
    {
        ReadOnlySpan<byte> name;
        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            // A raw name cannot hold NUL: the reader rejects control characters in strings.
            name = reader.ValueSpan;
        }
        else if (!TryUnescape(ref reader, out name))
        {
            // Parsers differ on this name (some drop the surrogate, some replace it): it could even be "id".
            Record(GatewayErrors.UnpairedSurrogate);
            _idAmbiguous |= reader.CurrentDepth == 1;
            return Slot.None;
        }
        else if (name.Contains((byte)0))
        {
            // A parser that stops at NUL could read this name as "id".
            Record(GatewayErrors.NulInMemberName);
            _idAmbiguous |= reader.CurrentDepth == 1;
        }

        return SlotOf(name, reader.CurrentDepth);
    }

    // The member name's part of the pass, once it is unescaped: duplicates, envelope members, misspellings, and which
    // value the next token is.
    private Slot SlotOf(ReadOnlySpan<byte> name, int depth)
    {
        ulong key = MemberNameKey.Of(name);
        if (!_memberNames.TryAdd(key))
        {
            Record(GatewayErrors.DuplicateMember);

            // Some parser could read the other spelling of "id" as the id.
            _idAmbiguous |= depth == 1 && key == MemberNameKey.Id;
        }

        if (depth == 1)
        {
            return EnvelopeSlot(name);
        }

        return NestedSlot(name, key, depth);
    }

    // A member below the envelope, once its key is in the tracker: misspellings, and the few members the rules read.
    private Slot NestedSlot(ReadOnlySpan<byte> name, ulong key, int depth)
    {
        if (depth == 2 && (_inResult || _inParams) && McpMemberNames.IsMisspelled(name, key))
        {
            // Arguments, InputRequests, URI: what a case-blind peer reads as the MCP member the rules read exactly.
            Record(GatewayErrors.MisspelledMember);
        }

        if (depth == 2 && _inResult)
        {
            // Compared after unescaping: input\u0052equests is the member every client reads as inputRequests.
            _hasInputRequests |= name.SequenceEqual("inputRequests"u8);
            return name.Length switch
            {
                15 when name.SequenceEqual("protocolVersion"u8) => Slot.ProtocolVersion,
                17 when name.SequenceEqual("supportedVersions"u8) => Slot.SupportedVersions,
                _ => Slot.None,
            };
        }

        if (depth == 2 && _inParams)
        {
            return ParamsSlot(name);
        }

        if (depth == 2 && _inError)
        {
            return name.SequenceEqual("data"u8) ? Slot.ErrorData : Slot.None;
        }

        if (depth == 3 && _inParamsRef && (name.SequenceEqual("name"u8) || name.SequenceEqual("uri"u8)))
        {
            // completion/complete names the prompt or resource template it completes for: an identifier like the others.
            return Slot.RefIdentifier;
        }

        if (depth == 3 && _inParamsMeta)
        {
            return name.Length switch
            {
                13 when name.SequenceEqual("progressToken"u8) => Slot.MetaProgressToken,
                39 when name.SequenceEqual("io.modelcontextprotocol/protocolVersion"u8) => Slot.MetaProtocolVersion,
                _ => Slot.None,
            };
        }

        if (depth == 3 && _inErrorData && name.SequenceEqual("rpcId"u8))
        {
            return Slot.ErrorDataRpcId;
        }

        return Slot.None;
    }

    private Slot EnvelopeSlot(ReadOnlySpan<byte> name)
    {
        (Slot slot, Members member) = name.Length switch
        {
            2 when name.SequenceEqual("id"u8) => (Slot.Id, Members.Id),
            5 when name.SequenceEqual("error"u8) => (Slot.Error, Members.Error),
            6 when name.SequenceEqual("method"u8) => (Slot.Method, Members.Method),
            6 when name.SequenceEqual("params"u8) => (Slot.Params, Members.Params),
            6 when name.SequenceEqual("result"u8) => (Slot.Result, Members.Result),
            7 when name.SequenceEqual("jsonrpc"u8) => (Slot.JsonRpc, Members.JsonRpc),
            _ => (Slot.None, Members.None),
        };

        if (slot == Slot.None)
        {
            Record(GatewayErrors.UnknownEnvelopeMember);
        }

        _members |= member;
        return slot;
    }

    private void OnString(ref Utf8JsonReader reader, Slot slot)
    {
        ReadOnlySpan<byte> value;
        switch (slot)
        {
            case Slot.JsonRpc:
                if (!TryUnescape(ref reader, out value))
                {
                    Record(GatewayErrors.UnpairedSurrogate);
                }
                else if (value.SequenceEqual("2.0"u8))
                {
                    _versionOk = true;
                }
                else
                {
                    Record(GatewayErrors.BadVersion);
                }

                break;
            case Slot.Id:
                if (TryUnescape(ref reader, out value))
                {
                    _id = JsonRpcId.FromString(Encoding.UTF8.GetString(value));
                }
                else
                {
                    _id = JsonRpcId.None;
                    Record(GatewayErrors.UnpairedSurrogate);
                }

                break;
            case Slot.Method:
                if (!TryUnescape(ref reader, out value))
                {
                    Record(GatewayErrors.UnpairedSurrogate);
                }
                else if (McpMethods.TryGetKnown(value, out string? known))
                {
                    _method = known;
                    _isKnownMethod = true;
                }
                else
                {
                    if (JsonTextChecks.HasControlCharacter(value))
                    {
                        Record(GatewayErrors.ControlCharacterInMethod);
                    }

                    _method = Encoding.UTF8.GetString(value);
                    _isKnownMethod = false;
                }

                break;
            case Slot.ParamsName:
                _nameState = ValueState.String;
                if (_method == McpMethods.ToolsCall && _error is null)
                {
                    // The common order (method before params): resolve now rather than at the end of the pass.
                    if (TryUnescape(ref reader, out value))
                    {
                        _nameHasControl = JsonTextChecks.HasControlCharacter(value);
                        _toolName = _toolNames.GetOrAdd(value);
                    }
                    else
                    {
                        Record(GatewayErrors.UnpairedSurrogate);
                    }
                }
                else
                {
                    _namePosition = reader.TokenStartIndex;
                    _nameHasControl = HasControlCharacter(ref reader);
                }

                break;
            case Slot.ParamsUri:
                _uriHasControl = HasControlCharacter(ref reader);
                break;
            case Slot.RefIdentifier:
                _refHasControl |= HasControlCharacter(ref reader);
                break;
            case Slot.ParamsRequestId:
                _requestIdState = ValueState.String;
                _requestIdPosition = reader.TokenStartIndex;
                CheckEscapes(ref reader);
                break;
            default:
                OnOtherValue(slot, JsonTokenType.String);
                CheckEscapes(ref reader);
                break;
        }
    }

    private void OnNumber(ref Utf8JsonReader reader, Slot slot)
    {
        switch (slot)
        {
            case Slot.Id:
                if (TryGetSafeInteger(ref reader, out long id))
                {
                    _id = JsonRpcId.FromNumber(id);
                }
                else
                {
                    _id = JsonRpcId.None;
                    Record(GatewayErrors.BadId);
                }

                break;
            case Slot.ParamsRequestId:
                _requestIdState = ValueState.Number;
                _requestId = TryGetSafeInteger(ref reader, out long requestId) ? JsonRpcId.FromNumber(requestId) : JsonRpcId.None;
                break;
            default:
                OnOtherValue(slot, JsonTokenType.Number);
                break;
        }
    }

    private void OnObjectValue(Slot slot)
    {
        if (slot == Slot.Params)
        {
            _inParams = true;
        }
        else if (slot == Slot.ParamsRef)
        {
            _inParamsRef = true;
        }
        else if (slot == Slot.Result)
        {
            _inResult = true;
        }
        else if (slot == Slot.Error)
        {
            _inError = true;
        }
        else if (slot == Slot.ParamsMeta)
        {
            _inParamsMeta = true;
        }
        else if (slot == Slot.ErrorData)
        {
            _inErrorData = true;
        }
        else
        {
            OnOtherValue(slot, JsonTokenType.StartObject);
        }
    }

    // A value whose type is checked but not read: objects, arrays, literals, and the types a member must not have.
    private void OnOtherValue(Slot slot, JsonTokenType type)
    {
        switch (slot)
        {
            case Slot.JsonRpc:
                Record(GatewayErrors.BadVersion);
                break;
            case Slot.Id:
                if (type == JsonTokenType.Null)
                {
                    _id = JsonRpcId.Null;
                }
                else
                {
                    _id = JsonRpcId.None;
                    Record(GatewayErrors.BadId);
                }

                break;
            case Slot.Method:
                Record(GatewayErrors.BadMethod);
                break;
            case Slot.Params when type is not (JsonTokenType.StartObject or JsonTokenType.StartArray):
                Record(GatewayErrors.BadParams);
                break;
            case Slot.Error when type != JsonTokenType.StartObject:
                Record(GatewayErrors.BadShape);
                break;
            case Slot.ParamsName:
                _nameState = ValueState.Other;
                break;
            case Slot.ParamsRequestId:
                _requestIdState = ValueState.Other;
                break;
            case Slot.ParamsUri:
                break;
            default:
                break;
        }
    }

    private void Record(GatewayError error) => _error ??= error;
}
