using System.Net;

namespace McpGateway.Core.Listener;

/// <summary>Counts per source address; not thread-safe, its owner holds a lock around every call.</summary>
internal sealed class AddressTally
{
    private readonly Dictionary<IPAddress, int> _counts = [];

    public int this[IPAddress address] => _counts.GetValueOrDefault(address);

    public void Add(IPAddress address) => _counts[address] = this[address] + 1;

    public void Remove(IPAddress address)
    {
        var count = this[address];
        if (count <= 1)
        {
            _counts.Remove(address);
        }
        else
        {
            _counts[address] = count - 1;
        }
    }
}
