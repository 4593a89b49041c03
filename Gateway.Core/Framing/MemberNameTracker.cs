namespace McpGateway.Core.Framing;

/// <summary>
/// Finds repeated member names in every object of one frame, by <see cref="MemberNameKey"/>. The keys of the open
/// objects form a stack; an object's keys are compared linearly while it has few members and through one hash set
/// shared by all larger objects beyond that, so a hostile object with 100k members costs linear time. Reused across
/// frames; holds nothing large after <see cref="Reset"/>.
/// </summary>
internal sealed class MemberNameTracker
{
    private const int LinearMembers = 16;
    private const int RetainedSetCount = 4096;

    // Keys of the open objects' first members, innermost last; the current object's start at _start.
    private ulong[] _keys = new ulong[4 * LinearMembers];
    private int _keyTop;

    // The current (innermost) object, and the enclosing ones saved on a stack.
    private int _start;
    private int _count;
    private int _ordinal;
    private (int Start, int Count, int Ordinal)[] _enclosing = new (int, int, int)[16];
    private int _depth;
    private int _nextOrdinal;

    private HashSet<ulong>? _largeObjects;

    /// <summary>Forgets the previous frame.</summary>
    public void Reset()
    {
        _keyTop = 0;
        _depth = 0;
        _nextOrdinal = 0;
        if (_largeObjects is { Count: > 0 } set)
        {
            // A hostile frame must not leave one connection holding megabytes.
            if (set.Count > RetainedSetCount)
            {
                _largeObjects = null;
            }
            else
            {
                set.Clear();
            }
        }
    }

    public void EnterObject()
    {
        if (_depth == _enclosing.Length)
        {
            Array.Resize(ref _enclosing, _depth * 2);
        }

        _enclosing[_depth++] = (_start, _count, _ordinal);
        _start = _keyTop;
        _count = 0;
        _ordinal = _nextOrdinal++;
    }

    public void ExitObject()
    {
        _keyTop = _start;
        (_start, _count, _ordinal) = _enclosing[--_depth];
    }

    /// <summary>Adds a member to the innermost open object; false when the object already has a member with that key.</summary>
    public bool TryAdd(ulong key)
    {
        if (_count < LinearMembers)
        {
            // While linear, the current object's keys are exactly _keys[_start.._keyTop].
            ulong[] keys = _keys;
            int top = _keyTop;
            for (int i = _start; i < top; i++)
            {
                if (keys[i] == key)
                {
                    return false;
                }
            }

            if (top == keys.Length)
            {
                Array.Resize(ref _keys, keys.Length * 2);
            }

            _keys[top] = key;
            _keyTop = top + 1;
        }
        else if (!TryAddToSet(key))
        {
            return false;
        }

        _count++;
        return true;
    }

    // One set for every large object of the frame: keys are spread per object, never cleared in between.
    private bool TryAddToSet(ulong key)
    {
        HashSet<ulong> set = _largeObjects ??= [];
        if (_count == LinearMembers)
        {
            foreach (ulong earlier in _keys.AsSpan(_start, LinearMembers))
            {
                set.Add(MemberNameKey.ForObject(earlier, _ordinal));
            }
        }

        return set.Add(MemberNameKey.ForObject(key, _ordinal));
    }
}
