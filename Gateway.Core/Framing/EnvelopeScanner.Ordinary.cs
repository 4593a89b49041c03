using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using McpGateway.Core.Errors;

namespace McpGateway.Core.Framing;

/// <summary>
/// The fast path for the ordinary frame: one contiguous segment, member names in plain ASCII, no escapes in the
/// values the envelope reads, nothing the parsing rule refuses. It tokenises the JSON itself (the grammar
/// <see cref="Utf8JsonReader"/> accepts, strictly) and feeds the same member and value rules as the full pass, so an
/// accepted frame gets the very envelope the full pass would give it. Anything else, and every frame with an error,
/// is left to the full pass, which then decides from scratch: this path never refuses a frame.
/// </summary>
internal sealed partial class EnvelopeScanner
{
    // What the fast path's steps return instead of a position when the full pass must decide.
    private const int Fail = -1;

    // Where a string's plain run ends: its closing quote, an escape, or a control character (never allowed raw).
    private static readonly SearchValues<byte> _stringStops = SearchValues.Create(
        [(byte)'"', (byte)'\\', 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31]);

    // True when the frame was scanned and accepted, with its envelope; false when the full pass must decide. The frame
    // is not known to be valid UTF-8: non-ASCII bytes are only accepted inside strings, whose UTF-8 is checked here.
    private bool TryScanOrdinary(ReadOnlySpan<byte> json, in ReadOnlySequence<byte> frame, out FrameEnvelope envelope)
    {
        envelope = default;
        Reset();
        int position = SkipWhitespace(json, 0);
        if (position >= json.Length || json[position] != (byte)'{')
        {
            return false;
        }

        position = OrdinaryValue(json, position, 0, Slot.None);
        return position != Fail && SkipWhitespace(json, position) == json.Length && _error is null && Finish(frame, out envelope) is null;
    }

    // One value at position (not whitespace), at reader depth `depth`; returns the position just after it, or Fail.
    private int OrdinaryValue(ReadOnlySpan<byte> json, int position, int depth, Slot slot)
    {
        if ((uint)position >= (uint)json.Length)
        {
            return Fail;
        }

        int start = position;
        switch (json[position])
        {
            case (byte)'{':
                if (depth >= _maxDepth)
                {
                    return Fail;
                }

                NoteValue(slot, start, 1, JsonTokenType.StartObject);
                _memberNames.EnterObject();
                OnObjectValue(slot);
                position = OrdinaryMembers(json, position + 1, depth);
                if (position == Fail)
                {
                    return Fail;
                }

                _memberNames.ExitObject();
                if (depth == 2)
                {
                    _inParamsRef = false;
                    _inParamsMeta = false;
                    _inErrorData = false;
                }
                else if (depth == 1)
                {
                    _inParams = false;
                    _inResult = false;
                    _inError = false;
                }

                return position;
            case (byte)'[':
                if (depth >= _maxDepth)
                {
                    return Fail;
                }

                NoteValue(slot, start, 1, JsonTokenType.StartArray);
                OnOtherValue(slot, JsonTokenType.StartArray);
                return OrdinaryElements(json, position + 1, depth);
            case (byte)'"':
                position = OrdinaryString(json, position, out bool escaped);
                if (position == Fail)
                {
                    return Fail;
                }

                NoteValue(slot, start, position - start, JsonTokenType.String);
                return OnOrdinaryString(json[(start + 1)..(position - 1)], start, escaped, slot) ? position : Fail;
            case (byte)'t':
                return OrdinaryLiteral(json, position, "true"u8, JsonTokenType.True, slot);
            case (byte)'f':
                return OrdinaryLiteral(json, position, "false"u8, JsonTokenType.False, slot);
            case (byte)'n':
                return OrdinaryLiteral(json, position, "null"u8, JsonTokenType.Null, slot);
            default:
                position = OrdinaryNumber(json, position);
                if (position == Fail)
                {
                    return Fail;
                }

                NoteValue(slot, start, position - start, JsonTokenType.Number);
                return OnOrdinaryNumber(json[start..position], slot) ? position : Fail;
        }
    }

    // After '{' of an object at `depth`: its members and the closing brace; returns the position after it, or Fail.
    private int OrdinaryMembers(ReadOnlySpan<byte> json, int position, int depth)
    {
        position = SkipWhitespace(json, position);
        if (position < json.Length && json[position] == (byte)'}')
        {
            return position + 1;
        }

        while (true)
        {
            if (position >= json.Length || json[position] != (byte)'"')
            {
                return Fail;
            }

            // Printable ASCII without escapes; any other name (escaped, non-ASCII, NUL) is the full pass's to judge.
            // Names are short: one plain loop finds the closing quote and checks every byte on the way.
            int nameStart = position + 1;
            int nameEnd = nameStart;
            while (true)
            {
                if (nameEnd >= json.Length)
                {
                    return Fail;
                }

                byte b = json[nameEnd];
                if (b == (byte)'"')
                {
                    break;
                }

                if ((uint)(b - 0x20) > 0x7E - 0x20 || b == (byte)'\\')
                {
                    return Fail;
                }

                nameEnd++;
            }

            ReadOnlySpan<byte> name = json[nameStart..nameEnd];
            position = SkipWhitespace(json, nameEnd + 1);
            if (position >= json.Length || json[position] != (byte)':')
            {
                return Fail;
            }

            Slot slot = OrdinarySlot(name, depth + 1);
            if (_error is not null)
            {
                return Fail;
            }

            position = OrdinaryValue(json, SkipWhitespace(json, position + 1), depth + 1, slot);
            if (position == Fail)
            {
                return Fail;
            }

            position = SkipWhitespace(json, position);
            if (position >= json.Length)
            {
                return Fail;
            }

            byte next = json[position++];
            if (next == (byte)'}')
            {
                return position;
            }

            if (next != (byte)',')
            {
                return Fail;
            }

            position = SkipWhitespace(json, position);
        }
    }

    // SlotOf for a plain name: a repeated name is left to the full pass, and below the envelope only the objects whose
    // members the rules read look further than the duplicate check (which every object gets, at every depth).
    private Slot OrdinarySlot(ReadOnlySpan<byte> name, int depth)
    {
        ulong key = MemberNameKey.Of(name);
        if (!_memberNames.TryAdd(key))
        {
            Record(GatewayErrors.DuplicateMember);
            return Slot.None;
        }

        if (depth == 1)
        {
            return EnvelopeSlot(name);
        }

        bool read = depth == 2 ? _inParams || _inResult || _inError : depth == 3 && (_inParamsRef || _inParamsMeta || _inErrorData);
        return read ? NestedSlot(name, key, depth) : Slot.None;
    }

    // After '[' of an array at `depth`: its elements and the closing bracket; returns the position after it, or Fail.
    private int OrdinaryElements(ReadOnlySpan<byte> json, int position, int depth)
    {
        position = SkipWhitespace(json, position);
        if (position < json.Length && json[position] == (byte)']')
        {
            return position + 1;
        }

        while (true)
        {
            position = OrdinaryValue(json, position, depth + 1, Slot.None);
            if (position == Fail)
            {
                return Fail;
            }

            position = SkipWhitespace(json, position);
            if (position >= json.Length)
            {
                return Fail;
            }

            byte next = json[position++];
            if (next == (byte)']')
            {
                return position;
            }

            if (next != (byte)',')
            {
                return Fail;
            }

            position = SkipWhitespace(json, position);
        }
    }

    // A string token from its opening quote; returns the position just after its closing one, or Fail. Escapes are
    // checked as JSON defines them, and a string that holds non-ASCII bytes is checked as UTF-8 (a sequence cannot run
    // past the closing quote, which is ASCII): the stop search stays ASCII-only, the fastest kind SearchValues has.
    private static int OrdinaryString(ReadOnlySpan<byte> json, int position, out bool escaped)
    {
        escaped = false;
        int at = position + 1;
        while (true)
        {
            int stop = at < json.Length ? json[at..].IndexOfAny(_stringStops) : -1;
            if (stop < 0)
            {
                return Fail;
            }

            at += stop;
            byte found = json[at];
            if (found == (byte)'"')
            {
                ReadOnlySpan<byte> text = json[(position + 1)..at];
                return Ascii.IsValid(text) || Utf8.IsValid(text) ? at + 1 : Fail;
            }

            if (found != (byte)'\\' || at + 1 >= json.Length)
            {
                // A raw control character, or an escape cut off by the end of the frame.
                return Fail;
            }

            escaped = true;
            byte kind = json[at + 1];
            if (kind == (byte)'u')
            {
                if (at + 6 > json.Length || !IsHex(json[at + 2]) || !IsHex(json[at + 3]) || !IsHex(json[at + 4]) || !IsHex(json[at + 5]))
                {
                    return Fail;
                }

                at += 6;
            }
            else if (kind is (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t')
            {
                at += 2;
            }
            else
            {
                return Fail;
            }
        }
    }

    // What OnString does with a token the full pass would have read; `text` is between the quotes, as written.
    private bool OnOrdinaryString(ReadOnlySpan<byte> text, int start, bool escaped, Slot slot)
    {
        if (escaped)
        {
            // Values the envelope reads are unescaped or checked by the full pass; anything else only needs its surrogates paired.
            if (slot is Slot.JsonRpc or Slot.Id or Slot.Method or Slot.ParamsName or Slot.ParamsUri or Slot.RefIdentifier or Slot.ParamsRequestId)
            {
                return false;
            }

            OnOtherValue(slot, JsonTokenType.String);
            return JsonTextChecks.SurrogateEscapesPaired(text);
        }

        switch (slot)
        {
            case Slot.JsonRpc:
                if (!text.SequenceEqual("2.0"u8))
                {
                    return false;
                }

                _versionOk = true;
                break;
            case Slot.Id:
                _id = JsonRpcId.FromString(Encoding.UTF8.GetString(text));
                break;
            case Slot.Method:
                if (McpMethods.TryGetKnown(text, out string? known))
                {
                    _method = known;
                    _isKnownMethod = true;
                }
                else
                {
                    if (JsonTextChecks.HasControlCharacter(text))
                    {
                        return false;
                    }

                    _method = Encoding.UTF8.GetString(text);
                    _isKnownMethod = false;
                }

                break;
            case Slot.ParamsName:
                _nameState = ValueState.String;
                _nameHasControl = JsonTextChecks.HasControlCharacter(text);
                if (_method == McpMethods.ToolsCall && _error is null)
                {
                    _toolName = _toolNames.GetOrAdd(text);
                }
                else
                {
                    _namePosition = start;
                }

                break;
            case Slot.ParamsUri:
                _uriHasControl = JsonTextChecks.HasControlCharacter(text);
                break;
            case Slot.RefIdentifier:
                _refHasControl |= JsonTextChecks.HasControlCharacter(text);
                break;
            case Slot.ParamsRequestId:
                _requestIdState = ValueState.String;
                _requestIdPosition = start;
                break;
            default:
                OnOtherValue(slot, JsonTokenType.String);
                break;
        }

        return true;
    }

    // What OnNumber does; `number` is the token as written.
    private bool OnOrdinaryNumber(ReadOnlySpan<byte> number, Slot slot)
    {
        switch (slot)
        {
            case Slot.Id:
                if (!JsonTextChecks.TryParseSafeInteger(number, out long id))
                {
                    return false;
                }

                _id = JsonRpcId.FromNumber(id);
                break;
            case Slot.ParamsRequestId:
                _requestIdState = ValueState.Number;
                _requestId = JsonTextChecks.TryParseSafeInteger(number, out long requestId) ? JsonRpcId.FromNumber(requestId) : JsonRpcId.None;
                break;
            default:
                OnOtherValue(slot, JsonTokenType.Number);
                break;
        }

        return true;
    }

    private int OrdinaryLiteral(ReadOnlySpan<byte> json, int position, ReadOnlySpan<byte> literal, JsonTokenType type, Slot slot)
    {
        if (!json[position..].StartsWith(literal))
        {
            return Fail;
        }

        NoteValue(slot, position, literal.Length, type);
        OnOtherValue(slot, type);
        return position + literal.Length;
    }

    // JSON's number grammar: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?; what follows is checked by the
    // caller. Returns the position after the number, or Fail.
    private static int OrdinaryNumber(ReadOnlySpan<byte> json, int position)
    {
        int at = position;
        if (at < json.Length && json[at] == (byte)'-')
        {
            at++;
        }

        if (at >= json.Length)
        {
            return Fail;
        }

        if (json[at] == (byte)'0')
        {
            at++;
        }
        else if (IsDigit(json[at]))
        {
            at = SkipDigits(json, at);
        }
        else
        {
            return Fail;
        }

        if (at < json.Length && json[at] == (byte)'.')
        {
            int fraction = SkipDigits(json, at + 1);
            if (fraction == at + 1)
            {
                return Fail;
            }

            at = fraction;
        }

        if (at < json.Length && (json[at] | 0x20) == (byte)'e')
        {
            at++;
            if (at < json.Length && json[at] is (byte)'+' or (byte)'-')
            {
                at++;
            }

            int exponent = SkipDigits(json, at);
            if (exponent == at)
            {
                return Fail;
            }

            at = exponent;
        }

        return at;
    }

    // The place of a value the envelope hands over, as ReadAll notes it (an object or array is its opening bracket).
    private void NoteValue(Slot slot, int start, int length, JsonTokenType type)
    {
        if (slot != Slot.None && FactOf(slot) is var fact and not Fact.None)
        {
            _values[(int)fact] = new FrameValue(start, length, KindOf(type));
        }
    }

    private static int SkipWhitespace(ReadOnlySpan<byte> json, int position)
    {
        // Most frames are compact: one comparison for the common case.
        if ((uint)position < (uint)json.Length && json[position] > (byte)' ')
        {
            return position;
        }

        while (position < json.Length && json[position] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
        {
            position++;
        }

        return position;
    }

    private static int SkipDigits(ReadOnlySpan<byte> json, int position)
    {
        while (position < json.Length && IsDigit(json[position]))
        {
            position++;
        }

        return position;
    }

    private static bool IsDigit(byte value) => (uint)(value - '0') <= 9;

    private static bool IsHex(byte value) => IsDigit(value) || (uint)((value | 0x20) - 'a') <= 5;
}
