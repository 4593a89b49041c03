using McpGateway.Core.Configuration;

namespace McpGateway.Core.Listener;

/// <summary>
/// The file descriptors client connections may take, process-wide: the process limit minus a reserve for the audit
/// store, upstream spawns and the process itself. Every listener takes <see cref="PerConnection"/> per accepted socket
/// and every session <see cref="PerSession"/> more for its upstream, before it opens anything; when the budget is spent
/// new connections are refused at once, so the process never runs out.
/// </summary>
internal sealed class DescriptorBudget
{
    public const int PerConnection = 1;

    /// <summary>A spawned upstream's stdin, stdout and stderr (a TCP or HTTP upstream takes fewer).</summary>
    public const int PerSession = 3;

    public const int MinimumReserve = 256;

    private int _used;

    /// <param name="capacity">Descriptors connections may take; null for no budget (the limit is unknown).</param>
    public DescriptorBudget(int? capacity) => Capacity = capacity;

    public int? Capacity { get; }

    public int Used => Volatile.Read(ref _used);

    /// <summary>The process limit the budget was derived from; null when unknown.</summary>
    public int? Limit { get; private init; }

    /// <summary>The descriptors kept out of the budget.</summary>
    public int Reserve { get; private init; }

    /// <summary>
    /// The budget under <paramref name="limit"/> (the process's, see <see cref="DescriptorLimit"/>; null when unknown)
    /// less <paramref name="configuredReserve"/>, or a fifth of the limit and at least <see cref="MinimumReserve"/>.
    /// </summary>
    /// <exception cref="InvalidConfigurationException">The reserve leaves fewer descriptors than one TCP session takes.</exception>
    public static DescriptorBudget Under(int? limit, int? configuredReserve)
    {
        if (limit is not { } known)
        {
            return new DescriptorBudget(null);
        }

        var reserve = configuredReserve ?? Math.Min(Math.Max(MinimumReserve, known / 5), known / 2);
        var capacity = known - reserve;
        if (capacity < PerConnection + PerSession)
        {
            throw new InvalidConfigurationException(
                $"limits.fileDescriptorReserve: {reserve} leaves {Math.Max(capacity, 0)} of the process's {known} file descriptors for connections; lower it or raise the limit (ulimit -n)");
        }

        return new DescriptorBudget(capacity) { Limit = known, Reserve = reserve };
    }

    public bool TryTake(int count)
    {
        if (Capacity is not { } capacity)
        {
            Interlocked.Add(ref _used, count);
            return true;
        }

        while (true)
        {
            var used = Volatile.Read(ref _used);
            if (used + count > capacity)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _used, used + count, used) == used)
            {
                return true;
            }
        }
    }

    public void Give(int count) => Interlocked.Add(ref _used, -count);
}
