using System.Net;
using McpGateway.Core.Diagnostics;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace McpGateway.Core.Listener;

/// <summary>
/// Admission to an HTTP listener (front door, admin), as Kestrel connection middleware ahead of TLS and HTTP: at most
/// <c>maxConnections</c> at once, <c>maxPerAddress</c> from one source address, and one descriptor of the process's
/// <see cref="DescriptorBudget"/> each. A connection beyond any of them is closed before a byte of it is read.
/// </summary>
internal sealed class ListenerGate(string listener, int maxConnections, int maxPerAddress, DescriptorBudget descriptors, GatewayMetrics metrics, ILogger logger)
{
    private readonly Lock _gate = new();
    private readonly AddressTally _byAddress = new();
    private int _total;
    private bool _refusing;

    public int Active => Volatile.Read(ref _total);

    /// <summary>Puts the gate in front of everything else on <paramref name="listen"/>; call before <c>UseHttps</c>.</summary>
    public void Attach(ListenOptions listen) => listen.Use(next => connection => AdmitAsync(connection, next));

    private async Task AdmitAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        var address = SourceAddress.Key(connection.RemoteEndPoint);
        if (TryEnter(address) is { } refusal)
        {
            metrics.SessionRefused(listener + "_" + refusal);
            connection.Abort();
            return;
        }

        try
        {
            await next(connection).ConfigureAwait(false);
        }
        finally
        {
            Leave(address);
        }
    }

    /// <summary>Null when admitted, else the limit the connection would break.</summary>
    internal string? TryEnter(IPAddress? address)
    {
        string? refusal;
        bool firstRefusal;
        lock (_gate)
        {
            refusal = _total >= maxConnections ? "too_many_connections"
                : address is not null && _byAddress[address] >= maxPerAddress ? "too_many_from_address"
                : !descriptors.TryTake(DescriptorBudget.PerConnection) ? "out_of_descriptors"
                : null;
            firstRefusal = refusal is not null && !_refusing;
            _refusing = refusal is not null;
            if (refusal is null)
            {
                _total++;
                if (address is not null)
                {
                    _byAddress.Add(address);
                }
            }
        }

        if (firstRefusal)
        {
            ListenerLog.Refusing(logger, listener, refusal!, address?.ToString() ?? "unknown");
        }

        return refusal;
    }

    internal void Leave(IPAddress? address)
    {
        lock (_gate)
        {
            _total--;
            if (address is not null)
            {
                _byAddress.Remove(address);
            }
        }

        descriptors.Give(DescriptorBudget.PerConnection);
    }
}
