using System.Text;

namespace McpGateway.Core.Framing;

/// <summary>
/// Recently seen tool names by their unescaped UTF-8 bytes, so that calling the same tools again allocates no
/// strings. Direct-mapped: a name evicts whatever shared its slot. Not thread-safe; one per scanner.
/// </summary>
internal sealed class ToolNameCache
{
    private const int Size = 32;
    private const int MaxCachedBytes = 128;

    private readonly byte[]?[] _keys = new byte[]?[Size];
    private readonly string?[] _names = new string?[Size];

    public string GetOrAdd(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxCachedBytes)
        {
            return Encoding.UTF8.GetString(utf8);
        }

        var hash = default(HashCode);
        hash.AddBytes(utf8);
        int slot = hash.ToHashCode() & (Size - 1);
        if (_keys[slot] is { } key && utf8.SequenceEqual(key))
        {
            return _names[slot]!;
        }

        string name = Encoding.UTF8.GetString(utf8);
        _keys[slot] = utf8.ToArray();
        _names[slot] = name;
        return name;
    }
}
