using System.Net;
using McpGateway.Core.Configuration;
using McpGateway.Core.Errors;

namespace McpGateway.Core.Listener;

/// <summary>
/// Counts sessions against <see cref="ConnectionLimits"/>: all of them, those not authenticated yet (a budget of their
/// own, so that clients that never authenticate cannot take the slots of those that do), the unauthenticated and all
/// connections of each source address, and the sessions of each subject. Every session also takes its share of the
/// process's <see cref="DescriptorBudget"/>. A connection holds a <see cref="ConnectionLease"/> that gives its counts back.
/// </summary>
internal sealed class ConnectionLimiter(ConnectionLimits limits, DescriptorBudget? descriptors = null)
{
    public static readonly GatewayError TooManyConnections =
        new(GatewayErrorCode.Overloaded, "too_many_connections", "Overloaded: too many connections for this identity");

    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _bySubject = new(StringComparer.Ordinal);
    private readonly AddressTally _byAddress = new();
    private readonly AddressTally _unauthenticatedByAddress = new();
    private readonly DescriptorBudget _descriptors = descriptors ?? new DescriptorBudget(null);
    private int _total;
    private int _unauthenticated;

    public int Active => Volatile.Read(ref _total);

    /// <summary>
    /// A lease for a session that arrives without a socket of its own (an HTTP front door session: its connection is
    /// counted by the front door's <see cref="ListenerGate"/>), or null with the limit it would break.
    /// </summary>
    public ConnectionLease? TryAccept(out string? refusal) => TryAccept(null, DescriptorBudget.PerSession, out refusal);

    /// <summary>
    /// A lease for a socket the TCP listener accepted from <paramref name="address"/> (a <see cref="SourceAddress"/> key;
    /// null when unknown), or null with the limit it would break: <c>too_many_connections</c>,
    /// <c>too_many_unauthenticated</c>, <c>too_many_from_address</c>, <c>too_many_unauthenticated_from_address</c> or
    /// <c>out_of_descriptors</c>.
    /// </summary>
    public ConnectionLease? TryAcceptSocket(IPAddress? address, out string? refusal) =>
        TryAccept(address, DescriptorBudget.PerConnection + DescriptorBudget.PerSession, out refusal);

    private ConnectionLease? TryAccept(IPAddress? address, int descriptors, out string? refusal)
    {
        lock (_gate)
        {
            refusal = _total >= limits.MaxConnections ? "too_many_connections"
                : _unauthenticated >= limits.MaxUnauthenticatedConnections ? "too_many_unauthenticated"
                : address is not null && _byAddress[address] >= limits.MaxConnectionsPerAddress ? "too_many_from_address"
                : address is not null && _unauthenticatedByAddress[address] >= limits.MaxUnauthenticatedPerAddress ? "too_many_unauthenticated_from_address"
                : !_descriptors.TryTake(descriptors) ? "out_of_descriptors"
                : null;
            if (refusal is not null)
            {
                return null;
            }

            _total++;
            _unauthenticated++;
            if (address is not null)
            {
                _byAddress.Add(address);
                _unauthenticatedByAddress.Add(address);
            }

            return new ConnectionLease(this, address, descriptors);
        }
    }

    internal void EndPreAuth(IPAddress? address)
    {
        lock (_gate)
        {
            _unauthenticated--;
            if (address is not null)
            {
                _unauthenticatedByAddress.Remove(address);
            }
        }
    }

    internal bool TryClaim(string subject)
    {
        lock (_gate)
        {
            _bySubject.TryGetValue(subject, out var count);
            if (count >= limits.MaxConnectionsPerIdentity)
            {
                return false;
            }

            _bySubject[subject] = count + 1;
            return true;
        }
    }

    internal void Release(string? subject, bool stillPreAuth, IPAddress? address, int descriptors)
    {
        lock (_gate)
        {
            _total--;
            if (address is not null)
            {
                _byAddress.Remove(address);
            }

            if (stillPreAuth)
            {
                _unauthenticated--;
                if (address is not null)
                {
                    _unauthenticatedByAddress.Remove(address);
                }
            }

            if (subject is not null && _bySubject.TryGetValue(subject, out var count))
            {
                if (count <= 1)
                {
                    _bySubject.Remove(subject);
                }
                else
                {
                    _bySubject[subject] = count - 1;
                }
            }
        }

        _descriptors.Give(descriptors);
    }
}
