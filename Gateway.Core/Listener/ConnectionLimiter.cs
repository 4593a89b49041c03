using McpGateway.Core.Configuration;
using McpGateway.Core.Errors;

namespace McpGateway.Core.Listener;

/// <summary>
/// Counts the listener's connections against <see cref="ConnectionLimits"/>: all of them, those not authenticated yet,
/// and the sessions of each subject. A connection holds a <see cref="ConnectionLease"/> that gives its counts back.
/// </summary>
internal sealed class ConnectionLimiter(ConnectionLimits limits)
{
    public static readonly GatewayError TooManyConnections =
        new(GatewayErrorCode.Overloaded, "too_many_connections", "Overloaded: too many connections for this identity");

    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _bySubject = new(StringComparer.Ordinal);
    private int _total;
    private int _unauthenticated;

    public int Active => Volatile.Read(ref _total);

    /// <summary>A lease for a new connection, or null with the limit it would break (<c>too_many_connections</c> or <c>too_many_unauthenticated</c>).</summary>
    public ConnectionLease? TryAccept(out string? refusal)
    {
        lock (_gate)
        {
            refusal = _total >= limits.MaxConnections ? "too_many_connections"
                : _unauthenticated >= limits.MaxUnauthenticatedConnections ? "too_many_unauthenticated"
                : null;
            if (refusal is not null)
            {
                return null;
            }

            _total++;
            _unauthenticated++;
            return new ConnectionLease(this);
        }
    }

    internal void EndPreAuth()
    {
        lock (_gate)
        {
            _unauthenticated--;
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

    internal void Release(string? subject, bool stillPreAuth)
    {
        lock (_gate)
        {
            _total--;
            if (stillPreAuth)
            {
                _unauthenticated--;
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
    }
}
