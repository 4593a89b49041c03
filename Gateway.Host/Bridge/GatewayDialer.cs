using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace McpGateway.Host.Bridge;

/// <summary>
/// Dials the gateway: TCP, then TLS when asked, checking the gateway's certificate against the system's trust store
/// or the given CAs (and its name against the host dialed), presenting a client certificate for mutual TLS.
/// </summary>
internal sealed class GatewayDialer : IDisposable
{
    private readonly BridgeOptions _options;
    private readonly X509Certificate2Collection _trusted = [];
    private readonly X509Certificate2? _clientCertificate;

    /// <exception cref="InvalidOperationException">A certificate or key file cannot be loaded; the message says which.</exception>
    public GatewayDialer(BridgeOptions options)
    {
        _options = options;
        if (options.CaFile is not null)
        {
            try
            {
                _trusted.ImportFromPemFile(options.CaFile);
            }
            catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
            {
                throw new InvalidOperationException($"--ca-file '{options.CaFile}' cannot be loaded: {ex.Message}", ex);
            }

            if (_trusted.Count == 0)
            {
                throw new InvalidOperationException($"--ca-file '{options.CaFile}' holds no PEM certificate");
            }
        }

        if (options.ClientCertificateFile is not null)
        {
            try
            {
                _clientCertificate = X509Certificate2.CreateFromPemFile(options.ClientCertificateFile, options.ClientCertificateKeyFile);
            }
            catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
            {
                throw new InvalidOperationException($"--client-cert '{options.ClientCertificateFile}' with --client-key '{options.ClientCertificateKeyFile}' cannot be loaded: {ex.Message}", ex);
            }
        }
    }

    public string Description => _options.Tls ? (_clientCertificate is null ? "TLS" : "mutual TLS") : "plaintext TCP";

    /// <exception cref="GatewayUnreachableException">The connection or the TLS handshake failed.</exception>
    public async Task<Stream> ConnectAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream stream;
        try
        {
            await socket.ConnectAsync(_options.Host, _options.Port, deadline.Token).ConfigureAwait(false);
            stream = new NetworkStream(socket, ownsSocket: true);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new GatewayUnreachableException($"cannot connect to the gateway at {_options.Host}:{_options.Port}: {(ex is OperationCanceledException ? "timed out" : ex.Message)}", ex);
        }

        if (!_options.Tls)
        {
            return stream;
        }

        var tls = new SslStream(stream, leaveInnerStreamOpen: false);
        var authentication = new SslClientAuthenticationOptions
        {
            TargetHost = _options.Host,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };
        if (_trusted.Count > 0)
        {
            var policy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
                DisableCertificateDownloads = true,
            };
            policy.CustomTrustStore.AddRange(_trusted);
            policy.ExtraStore.AddRange(_trusted);
            authentication.CertificateChainPolicy = policy;
        }

        if (_clientCertificate is not null)
        {
            authentication.ClientCertificates = [_clientCertificate];
        }

        try
        {
            await tls.AuthenticateAsClientAsync(authentication, deadline.Token).ConfigureAwait(false);
            return tls;
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            var why = ex is OperationCanceledException ? "timed out" : ex.Message;
            throw new GatewayUnreachableException($"TLS with the gateway at {_options.Host}:{_options.Port} failed: {why}", ex);
        }
    }

    public void Dispose()
    {
        _clientCertificate?.Dispose();
        foreach (var certificate in _trusted)
        {
            certificate.Dispose();
        }
    }
}
