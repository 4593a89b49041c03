using System.Net;

namespace McpGateway.Core.Listener;

/// <summary>One connection's place in the <see cref="ConnectionLimiter"/>; disposing it gives every count back, once.</summary>
internal sealed class ConnectionLease : IDisposable
{
    private readonly ConnectionLimiter _limiter;
    private readonly IPAddress? _address;
    private readonly int _descriptors;
    private bool _preAuth = true;
    private string? _subject;
    private bool _released;

    public ConnectionLease(ConnectionLimiter limiter, IPAddress? address, int descriptors)
    {
        _limiter = limiter;
        _address = address;
        _descriptors = descriptors;
    }

    /// <summary>The connection authenticated or gave up: it no longer counts as unauthenticated.</summary>
    public void EndPreAuth()
    {
        if (_preAuth && !_released)
        {
            _preAuth = false;
            _limiter.EndPreAuth(_address);
        }
    }

    /// <summary>Counts the session against <paramref name="subject"/>'s limit; false when that subject holds too many.</summary>
    public bool TryClaimIdentity(string subject)
    {
        if (_subject is not null)
        {
            return true;
        }

        if (!_limiter.TryClaim(subject))
        {
            return false;
        }

        _subject = subject;
        return true;
    }

    public void Dispose()
    {
        if (_released)
        {
            return;
        }

        _released = true;
        _limiter.Release(_subject, _preAuth, _address, _descriptors);
    }
}
