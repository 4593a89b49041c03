using McpGateway.Core.Framing;

namespace McpGateway.Core.Sessions;

/// <summary>
/// The requests of one direction that await a response, by id. The sender's pump adds, the other pump removes,
/// the timeout sweep expires; a short lock guards it. A request its sender cancelled, or one the gateway gave up on,
/// stays as a tombstone (<see cref="PendingRequest.Cancelled"/>) until the receiver answers it or its deadline passes.
/// Ids are only unique per direction (server-to-client requests have an id space of their own), so a session has one
/// table per direction.
/// </summary>
internal sealed class PendingTable
{
    private readonly Dictionary<JsonRpcId, PendingRequest> _pending = [];
    private readonly Lock _lock = new();
    private long _generations;

    /// <summary>Ids taken, tombstones included (they count against the pending limit: each still holds an id).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Requests whose sender still waits for an answer: <see cref="Count"/> without the tombstones.</summary>
    public int Waiting
    {
        get
        {
            lock (_lock)
            {
                var waiting = 0;
                foreach (var entry in _pending.Values)
                {
                    waiting += entry.Cancelled ? 0 : 1;
                }

                return waiting;
            }
        }
    }

    public PendingAddResult TryAdd(JsonRpcId id, string? method, string? toolName, int limit)
    {
        lock (_lock)
        {
            if (_pending.ContainsKey(id))
            {
                return PendingAddResult.IdInUse;
            }

            if (_pending.Count >= limit)
            {
                return PendingAddResult.Full;
            }

            _pending.Add(id, new PendingRequest(method, toolName, long.MaxValue, Generation: ++_generations));
            return PendingAddResult.Added;
        }
    }

    /// <summary>Starts the response clock once the request was actually forwarded.</summary>
    public void SetDeadline(JsonRpcId id, long deadline)
    {
        lock (_lock)
        {
            if (_pending.TryGetValue(id, out var entry))
            {
                _pending[id] = entry with { Deadline = deadline };
            }
        }
    }

    /// <summary>
    /// Its sender cancelled the request: the id stays taken (a tombstone) until the receiver's answer arrives or the
    /// deadline passes; a request without a deadline yet (one the client has to answer, or one still held) gets
    /// <paramref name="tombstoneDeadline"/>, so that no tombstone lasts for ever. False when no such request was pending.
    /// </summary>
    public bool MarkCancelled(JsonRpcId id, long tombstoneDeadline)
    {
        lock (_lock)
        {
            if (!_pending.TryGetValue(id, out var entry))
            {
                return false;
            }

            _pending[id] = entry with { Cancelled = true, Deadline = Math.Min(entry.Deadline, tombstoneDeadline) };
            return true;
        }
    }

    public bool TryRemove(JsonRpcId id, out PendingRequest request)
    {
        lock (_lock)
        {
            return _pending.Remove(id, out request);
        }
    }

    /// <summary>
    /// Removes the request <paramref name="id"/> only when it is still the one of <paramref name="generation"/>: a request
    /// that reused the id after the first was answered (or its tombstone expired) stays. False when it was not pending.
    /// </summary>
    public bool TryRemove(JsonRpcId id, long generation, out PendingRequest request)
    {
        lock (_lock)
        {
            if (_pending.TryGetValue(id, out request) && request.Generation == generation)
            {
                return _pending.Remove(id);
            }

            request = default;
            return false;
        }
    }

    /// <summary>
    /// The gateway gives up on the request <paramref name="id"/> of <paramref name="generation"/> while its receiver may
    /// still answer it: it stays as a tombstone until <paramref name="tombstoneDeadline"/>, and <paramref name="request"/>
    /// is what it was (its sender is to be answered). False when that request is not pending or is a tombstone already.
    /// </summary>
    public bool TryGiveUp(JsonRpcId id, long generation, long tombstoneDeadline, out PendingRequest request)
    {
        lock (_lock)
        {
            if (_pending.TryGetValue(id, out request) && request.Generation == generation && !request.Cancelled)
            {
                _pending[id] = request with { Cancelled = true, Deadline = tombstoneDeadline };
                return true;
            }

            request = default;
            return false;
        }
    }

    /// <summary>Which request under <paramref name="id"/> is pending now (see <see cref="PendingRequest.Generation"/>); 0 when none.</summary>
    public long GenerationOf(JsonRpcId id)
    {
        lock (_lock)
        {
            return _pending.TryGetValue(id, out var request) ? request.Generation : 0;
        }
    }

    /// <summary>
    /// One look at the deadlines. A request whose deadline passed is given up on: it is returned (as it was, not
    /// cancelled) for its sender to be answered and its receiver told, and it stays as a tombstone until
    /// <paramref name="tombstoneDeadline"/>, because the receiver may still answer it and a request reusing the id must
    /// not be given that answer. A tombstone whose deadline passed is removed: the id is free again. Null when nothing
    /// was given up on.
    /// </summary>
    public List<KeyValuePair<JsonRpcId, PendingRequest>>? Expire(long now, long tombstoneDeadline)
    {
        List<KeyValuePair<JsonRpcId, PendingRequest>>? givenUp = null;
        List<JsonRpcId>? gone = null;
        lock (_lock)
        {
            foreach (var entry in _pending)
            {
                if (entry.Value.Deadline > now)
                {
                    continue;
                }

                if (entry.Value.Cancelled)
                {
                    (gone ??= []).Add(entry.Key);
                }
                else
                {
                    (givenUp ??= []).Add(entry);
                }
            }

            foreach (var id in gone ?? [])
            {
                _pending.Remove(id);
            }

            foreach (var (id, request) in givenUp ?? [])
            {
                _pending[id] = request with { Cancelled = true, Deadline = tombstoneDeadline };
            }
        }

        return givenUp;
    }

    /// <summary>Empties the table, returning the requests that were waiting, tombstones included.</summary>
    public List<KeyValuePair<JsonRpcId, PendingRequest>> Drain()
    {
        lock (_lock)
        {
            var requests = new List<KeyValuePair<JsonRpcId, PendingRequest>>(_pending);
            _pending.Clear();
            return requests;
        }
    }
}
