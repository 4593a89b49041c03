using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using McpGateway.Core.Errors;

namespace McpGateway.Core.Framing;

/// <summary>
/// Checks one frame against the parsing rule of the wire contract and finds its envelope (kind, id, method,
/// tool name, cancelled request id) in a single <see cref="Utf8JsonReader"/> pass. One instance per connection
/// direction, reused for every frame and not thread-safe: it keeps scratch state so that scanning an ordinary
/// frame allocates nothing.
/// </summary>
internal sealed class EnvelopeScanner
{
    // Members of one object are compared by a 64-bit hash of their case-folded name: linearly up to this many,
    // through a hash set beyond. A hash collision can only reject a frame, never let a duplicate through.
    private const int LinearMembers = 16;
    private const int ToolCacheSize = 32;
    private const int MaxCachedToolNameBytes = 128;
    private const int RetainedScratchBytes = 4096;
    private const int RetainedSetCount = 4096;
    private const int LongestSafeInteger = 17; // "-9007199254740991"
    private const ulong Multiplier1 = 0x9E3779B97F4A7C15;
    private const ulong Multiplier2 = 0xBF58476D1CE4E5B9;

    private static readonly ulong _seed = NewSeed();
    private static readonly ulong _idNameHash = HashName("id"u8);

    private readonly int _maxDepth;
    private readonly JsonReaderOptions _options;
    private readonly byte[] _ownScratch = new byte[256];
    private readonly byte[]?[] _toolKeys = new byte[]?[ToolCacheSize];
    private readonly string?[] _toolNames = new string?[ToolCacheSize];
    private byte[] _scratch;
    private ulong[] _hashes = new ulong[4 * LinearMembers];
    private int[] _objectHashStart = new int[16];
    private int[] _objectCount = new int[16];
    private int[] _objectOrdinal = new int[16];
    private HashSet<ulong>? _manyMembers;

    // State of the current pass, reset by Scan.
    private GatewayError? _error;
    private int _openObjects;
    private int _hashTop;
    private int _ordinal;
    private Members _members;
    private bool _versionOk;
    private JsonRpcId _id;
    private bool _idAmbiguous;
    private string? _method;
    private bool _isKnownMethod;
    private bool _inParams;
    private ValueState _nameState;
    private long _namePosition;
    private string? _toolName;
    private ValueState _requestIdState;
    private long _requestIdPosition;
    private JsonRpcId _requestId;

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
    }

    private enum ValueState : byte
    {
        Absent,
        String,
        Number,
        Other,
    }

    /// <summary>
    /// Scans <paramref name="frame"/> (one line, without its terminator). Returns null when the frame may be
    /// forwarded; otherwise the first violation found, with <see cref="FrameEnvelope.Id"/> set to the id when it
    /// could be read unambiguously and <see cref="JsonRpcId.None"/> otherwise. On error only the id and, when it
    /// was read, the method are meaningful.
    /// </summary>
    public GatewayError? Scan(in ReadOnlySequence<byte> frame, out FrameEnvelope envelope)
    {
        envelope = default;
        if (!IsValidUtf8(frame))
        {
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
        ReleaseScratch();
        return error;
    }

    private void Reset()
    {
        _error = null;
        _openObjects = 0;
        _hashTop = 0;
        _ordinal = 0;
        _members = Members.None;
        _versionOk = false;
        _id = JsonRpcId.None;
        _idAmbiguous = false;
        _method = null;
        _isKnownMethod = false;
        _inParams = false;
        _nameState = ValueState.Absent;
        _namePosition = 0;
        _toolName = null;
        _requestIdState = ValueState.Absent;
        _requestIdPosition = 0;
        _requestId = JsonRpcId.None;
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
            switch (type)
            {
                case JsonTokenType.StartObject:
                    if (reader.CurrentDepth >= _maxDepth)
                    {
                        return GatewayErrors.TooDeep;
                    }

                    PushObject();
                    OnObjectValue(slot);
                    break;
                case JsonTokenType.EndObject:
                    _openObjects--;
                    _hashTop = _objectHashStart[_openObjects];
                    if (reader.CurrentDepth == 1)
                    {
                        _inParams = false;
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

        int depth = reader.CurrentDepth;
        ulong hash = HashName(name);
        if (!TryAddMember(hash) && depth == 1 && hash == _idNameHash)
        {
            // Some parser could read another spelling of "id" as the id.
            _idAmbiguous = true;
        }

        if (depth == 1)
        {
            return EnvelopeSlot(name);
        }

        if (depth == 2 && _inParams)
        {
            if (name.SequenceEqual("name"u8))
            {
                return Slot.ParamsName;
            }

            if (name.SequenceEqual("requestId"u8))
            {
                return Slot.ParamsRequestId;
            }
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
                        _toolName = ToolNameFor(value);
                    }
                    else
                    {
                        Record(GatewayErrors.UnpairedSurrogate);
                    }
                }
                else
                {
                    _namePosition = reader.TokenStartIndex;
                    CheckEscapes(ref reader);
                }

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
        else if (slot != Slot.Error)
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
            default:
                break;
        }
    }

    private void CheckEscapes(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped && !SurrogatesPaired(RawValue(ref reader)))
        {
            Record(GatewayErrors.UnpairedSurrogate);
        }
    }

    private void Record(GatewayError error) => _error ??= error;

    // Decides the shape once every member has been seen; member order never matters.
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
                    toolName = ToolNameFor(value);
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

        if (error is not null)
        {
            JsonRpcId recovered = !_idAmbiguous && _id.IsValue ? _id : JsonRpcId.None;
            envelope = new FrameEnvelope(kind, recovered, _method, _isKnownMethod, null, JsonRpcId.None);
            return error;
        }

        envelope = new FrameEnvelope(kind, _id, _method, _isKnownMethod, toolName, cancelledRequestId);
        return null;
    }

    private GatewayError? DecideShape(out MessageKind kind)
    {
        kind = default;
        bool hasId = (_members & Members.Id) != 0;
        switch (_members & (Members.Method | Members.Result | Members.Error))
        {
            case Members.Method when !hasId:
                kind = MessageKind.Notification;
                return null;
            case Members.Method:
                kind = MessageKind.Request;
                return _id.IsValue ? null : GatewayErrors.BadId;
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

    private string ToolNameFor(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxCachedToolNameBytes)
        {
            return Encoding.UTF8.GetString(utf8);
        }

        var hash = default(HashCode);
        hash.AddBytes(utf8);
        int slot = hash.ToHashCode() & (ToolCacheSize - 1);
        byte[]? key = _toolKeys[slot];
        if (key is not null && utf8.SequenceEqual(key))
        {
            return _toolNames[slot]!;
        }

        string name = Encoding.UTF8.GetString(utf8);
        _toolKeys[slot] = utf8.ToArray();
        _toolNames[slot] = name;
        return name;
    }

    private void PushObject()
    {
        if (_openObjects == _objectHashStart.Length)
        {
            int size = _openObjects * 2;
            Array.Resize(ref _objectHashStart, size);
            Array.Resize(ref _objectCount, size);
            Array.Resize(ref _objectOrdinal, size);
        }

        _objectHashStart[_openObjects] = _hashTop;
        _objectCount[_openObjects] = 0;
        _objectOrdinal[_openObjects] = _ordinal++;
        _openObjects++;
    }

    // Adds a member name to the innermost open object; false when the object already has that name.
    private bool TryAddMember(ulong hash)
    {
        int top = _openObjects - 1;
        int count = _objectCount[top];
        if (count < LinearMembers)
        {
            int start = _objectHashStart[top];
            if (_hashes.AsSpan(start, count).Contains(hash))
            {
                Record(GatewayErrors.DuplicateMember);
                return false;
            }

            if (_hashTop == _hashes.Length)
            {
                Array.Resize(ref _hashes, _hashes.Length * 2);
            }

            _hashes[_hashTop++] = hash;
        }
        else
        {
            // Keyed with the object's ordinal, so that objects share one set without clearing it in between.
            HashSet<ulong> set = _manyMembers ??= [];
            ulong salt = (ulong)(_objectOrdinal[top] + 1) * Multiplier1;
            if (count == LinearMembers)
            {
                foreach (ulong earlier in _hashes.AsSpan(_objectHashStart[top], LinearMembers))
                {
                    set.Add(earlier ^ salt);
                }
            }

            if (!set.Add(hash ^ salt))
            {
                Record(GatewayErrors.DuplicateMember);
                return false;
            }
        }

        _objectCount[top] = count + 1;
        return true;
    }

    // The unescaped UTF-8 of the current string or name; false when it escapes an unpaired surrogate.
    private bool TryUnescape(scoped ref Utf8JsonReader reader, out ReadOnlySpan<byte> value)
    {
        if (!reader.ValueIsEscaped)
        {
            value = RawValue(ref reader);
            return true;
        }

        ReadOnlySpan<byte> raw = RawValue(ref reader);
        if (!SurrogatesPaired(raw))
        {
            value = default;
            return false;
        }

        // The raw copy of a multi-segment value may occupy the start of the scratch buffer: unescape after it.
        int offset = reader.HasValueSequence ? raw.Length : 0;
        Span<byte> destination = Scratch(offset + raw.Length).AsSpan(offset, raw.Length);
        int written = reader.CopyString(destination);
        value = destination[..written];
        return true;
    }

    // The raw bytes of the current token; a token that spans segments is copied into the scratch buffer.
    private ReadOnlySpan<byte> RawValue(scoped ref Utf8JsonReader reader)
    {
        if (!reader.HasValueSequence)
        {
            return reader.ValueSpan;
        }

        ReadOnlySequence<byte> sequence = reader.ValueSequence;
        Span<byte> copy = Scratch(checked((int)sequence.Length)).AsSpan(0, (int)sequence.Length);
        sequence.CopyTo(copy);
        return copy;
    }

    private byte[] Scratch(int length)
    {
        if (_scratch.Length < length)
        {
            byte[] larger = ArrayPool<byte>.Shared.Rent(length);
            if (_scratch != _ownScratch)
            {
                ArrayPool<byte>.Shared.Return(_scratch);
            }

            _scratch = larger;
        }

        return _scratch;
    }

    // A hostile frame must not leave one connection holding megabytes.
    private void ReleaseScratch()
    {
        if (_scratch.Length > RetainedScratchBytes)
        {
            ArrayPool<byte>.Shared.Return(_scratch);
            _scratch = _ownScratch;
        }

        if (_manyMembers is { Count: > 0 } set)
        {
            if (set.Count > RetainedSetCount)
            {
                _manyMembers = null;
            }
            else
            {
                set.Clear();
            }
        }
    }

    // Whether every \uD800-\uDBFF escape is followed by a \uDC00-\uDFFF escape and no low one stands alone.
    // Runs over the raw (escaped, valid) string content; only "\u" sequences matter.
    private static bool SurrogatesPaired(ReadOnlySpan<byte> raw)
    {
        int i = 0;
        while (true)
        {
            int found = raw[i..].IndexOf("\\u"u8);
            if (found < 0)
            {
                return true;
            }

            int at = i + found;
            int backslashes = 1;
            while (at - backslashes >= 0 && raw[at - backslashes] == (byte)'\\')
            {
                backslashes++;
            }

            if ((backslashes & 1) == 0)
            {
                // "\\u": an escaped backslash followed by a literal 'u'.
                i = at + 2;
                continue;
            }

            int unit = Hex4(raw.Slice(at + 2, 4));
            i = at + 6;
            if (unit is >= 0xDC00 and <= 0xDFFF)
            {
                return false;
            }

            if (unit is >= 0xD800 and <= 0xDBFF)
            {
                if (i + 6 > raw.Length || raw[i] != (byte)'\\' || raw[i + 1] != (byte)'u')
                {
                    return false;
                }

                int low = Hex4(raw.Slice(i + 2, 4));
                if (low is < 0xDC00 or > 0xDFFF)
                {
                    return false;
                }

                i += 6;
            }
        }
    }

    private static int Hex4(ReadOnlySpan<byte> digits)
    {
        int value = 0;
        foreach (byte digit in digits)
        {
            value = (value << 4) | (digit <= (byte)'9' ? digit - '0' : (digit | 0x20) - 'a' + 10);
        }

        return value;
    }

    private static bool TryGetSafeInteger(ref Utf8JsonReader reader, out long value)
    {
        value = 0;
        Span<byte> copy = stackalloc byte[LongestSafeInteger];
        scoped ReadOnlySpan<byte> raw;
        if (reader.HasValueSequence)
        {
            ReadOnlySequence<byte> sequence = reader.ValueSequence;
            if (sequence.Length > LongestSafeInteger)
            {
                return false;
            }

            sequence.CopyTo(copy);
            raw = copy[..(int)sequence.Length];
        }
        else
        {
            raw = reader.ValueSpan;
        }

        // An integer token only: no fraction, no exponent, whatever value they would spell.
        return raw.Length <= LongestSafeInteger
            && !raw.ContainsAny((byte)'.', (byte)'e', (byte)'E')
            && Utf8Parser.TryParse(raw, out value, out int consumed)
            && consumed == raw.Length
            && value is >= -JsonRpcId.MaxSafeInteger and <= JsonRpcId.MaxSafeInteger;
    }

    // Valid UTF-8 across the whole frame, including sequences split across segment boundaries.
    private static bool IsValidUtf8(in ReadOnlySequence<byte> frame)
    {
        if (frame.IsSingleSegment)
        {
            return Utf8.IsValid(frame.FirstSpan);
        }

        Span<byte> carry = stackalloc byte[4];
        int carried = 0;
        int missing = 0;
        foreach (ReadOnlyMemory<byte> memory in frame)
        {
            ReadOnlySpan<byte> span = memory.Span;
            if (missing > 0)
            {
                int take = Math.Min(missing, span.Length);
                span[..take].CopyTo(carry[carried..]);
                carried += take;
                missing -= take;
                span = span[take..];
                if (missing > 0)
                {
                    continue;
                }

                if (!Utf8.IsValid(carry[..carried]))
                {
                    return false;
                }

                carried = 0;
            }

            int tail = IncompleteTail(span, out int expected);
            if (!Utf8.IsValid(span[..^tail]))
            {
                return false;
            }

            if (tail > 0)
            {
                span[^tail..].CopyTo(carry);
                carried = tail;
                missing = expected - tail;
            }
        }

        return missing == 0;
    }

    // Length of a sequence at the end of the span that a valid lead byte starts but the span does not complete.
    private static int IncompleteTail(ReadOnlySpan<byte> span, out int expected)
    {
        expected = 0;
        for (int back = 1; back <= 3 && back <= span.Length; back++)
        {
            byte b = span[^back];
            if ((b & 0xC0) == 0x80)
            {
                continue;
            }

            expected = b switch
            {
                >= 0xC2 and <= 0xDF => 2,
                >= 0xE0 and <= 0xEF => 3,
                >= 0xF0 and <= 0xF4 => 4,
                _ => 0,
            };
            return expected > back ? back : 0;
        }

        return 0;
    }

    // 64-bit hash of the name after simple case folding of each UTF-16 unit, c -> lower(upper(c)), seeded per
    // process. Names that fold alike hash alike; ASCII takes four bytes per step.
    private static ulong HashName(ReadOnlySpan<byte> utf8)
    {
        ulong hash = _seed;
        int i = 0;
        for (; i + 4 <= utf8.Length; i += 4)
        {
            uint four = BinaryPrimitives.ReadUInt32LittleEndian(utf8[i..]);
            if ((four & 0x80808080) != 0)
            {
                return HashNonAsciiName(utf8);
            }

            // Sets 0x20 in exactly the bytes 'A'..'Z'.
            four |= (((four + 0x3F3F3F3F) ^ (four + 0x25252525)) & 0x80808080) >> 2;
            hash = Mix(hash, (four & 0xFF) | ((ulong)(four & 0xFF00) << 8) | ((ulong)(four & 0xFF0000) << 16) | ((ulong)(four & 0xFF000000) << 24));
        }

        ulong word = 0;
        for (int shift = 0; i < utf8.Length; i++, shift += 16)
        {
            byte b = utf8[i];
            if (b >= 0x80)
            {
                return HashNonAsciiName(utf8);
            }

            word |= (ulong)(b is >= (byte)'A' and <= (byte)'Z' ? b | 0x20 : b) << shift;
        }

        if (utf8.Length % 4 != 0)
        {
            hash = Mix(hash, word);
        }

        return Finish(hash, utf8.Length);
    }

    private static ulong HashNonAsciiName(ReadOnlySpan<byte> utf8)
    {
        ulong hash = _seed;
        ulong word = 0;
        int units = 0;
        while (!utf8.IsEmpty)
        {
            Rune.DecodeFromUtf8(utf8, out Rune rune, out int consumed);
            utf8 = utf8[consumed..];
            if (rune.IsBmp)
            {
                Add(ref hash, ref word, ref units, char.ToLowerInvariant(char.ToUpperInvariant((char)rune.Value)));
            }
            else
            {
                // Surrogates fold to themselves.
                int above = rune.Value - 0x10000;
                Add(ref hash, ref word, ref units, (char)(0xD800 + (above >> 10)));
                Add(ref hash, ref word, ref units, (char)(0xDC00 + (above & 0x3FF)));
            }
        }

        if (units % 4 != 0)
        {
            hash = Mix(hash, word);
        }

        return Finish(hash, units);

        static void Add(ref ulong hash, ref ulong word, ref int units, char folded)
        {
            word |= (ulong)folded << (16 * (units % 4));
            units++;
            if (units % 4 == 0)
            {
                hash = Mix(hash, word);
                word = 0;
            }
        }
    }

    private static ulong Mix(ulong hash, ulong word) =>
        BitOperations.RotateLeft((hash ^ word) * Multiplier1, 31) * Multiplier2;

    private static ulong Finish(ulong hash, int units)
    {
        hash ^= (ulong)units;
        hash ^= hash >> 33;
        hash *= 0xFF51AFD7ED558CCD;
        hash ^= hash >> 33;
        hash *= 0xC4CEB9FE1A85EC53;
        return hash ^ (hash >> 33);
    }

    private static ulong NewSeed()
    {
        Span<byte> bytes = stackalloc byte[sizeof(ulong)];
        RandomNumberGenerator.Fill(bytes);
        return BinaryPrimitives.ReadUInt64LittleEndian(bytes);
    }
}
