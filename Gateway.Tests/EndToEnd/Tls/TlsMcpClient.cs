using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

namespace McpGateway.Tests.EndToEnd.Tls;

/// <summary>Newline-delimited JSON-RPC over TLS (<see cref="SslStream"/>), trusting only the test CA, optionally presenting a client certificate.</summary>
internal sealed class TlsMcpClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly SslStream _tls;
    private readonly StreamReader _reader;

    private TlsMcpClient(TcpClient tcp, SslStream tls)
    {
        _tcp = tcp;
        _tls = tls;
        _reader = new StreamReader(tls, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
    }

    public SslStream Stream => _tls;

    public static async Task<TlsMcpClient> ConnectAsync(IPEndPoint endpoint, X509Certificate2 trustedCa, X509Certificate2? clientCertificate, CancellationToken cancellationToken)
    {
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(endpoint, cancellationToken);
            var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
            var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
            policy.CustomTrustStore.Add(trustedCa);
            var options = new SslClientAuthenticationOptions
            {
                TargetHost = "127.0.0.1",
                CertificateChainPolicy = policy,
                ClientCertificates = clientCertificate is null ? null : [clientCertificate],
            };
            await tls.AuthenticateAsClientAsync(options, cancellationToken);
            return new TlsMcpClient(tcp, tls);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    public async Task SendAsync(JsonObject message, CancellationToken cancellationToken)
    {
        await _tls.WriteAsync(Encoding.UTF8.GetBytes(message.ToJsonString() + "\n"), cancellationToken);
        await _tls.FlushAsync(cancellationToken);
    }

    public async Task<JsonObject> RequestAsync(JsonNode id, string method, JsonObject? parameters, CancellationToken cancellationToken)
    {
        var request = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id.DeepClone(), ["method"] = method };
        if (parameters is not null)
        {
            request["params"] = parameters;
        }

        await SendAsync(request, cancellationToken);
        while (true)
        {
            var message = await ReadAsync(cancellationToken);
            if (JsonNode.DeepEquals(message["id"], id) && !message.ContainsKey("method"))
            {
                return message;
            }
        }
    }

    /// <summary>The next frame; throws <see cref="EndOfStreamException"/> when the gateway closed the connection.</summary>
    public async Task<JsonObject> ReadAsync(CancellationToken cancellationToken)
    {
        var line = await _reader.ReadLineAsync(cancellationToken) ?? throw new EndOfStreamException("the gateway closed the connection");
        return JsonNode.Parse(line)!.AsObject();
    }

    /// <summary>initialize and notifications/initialized, as any MCP client starts.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var response = await RequestAsync("init", "initialize", InitializeParams(), cancellationToken);
        if (response["result"] is null)
        {
            throw new InvalidOperationException($"initialize failed: {response.ToJsonString()}");
        }

        await SendAsync(new JsonObject { ["jsonrpc"] = "2.0", ["method"] = "notifications/initialized" }, cancellationToken);
    }

    public static JsonObject InitializeParams() => new()
    {
        ["protocolVersion"] = "2025-06-18",
        ["capabilities"] = new JsonObject(),
        ["clientInfo"] = new JsonObject { ["name"] = "tls-test-client", ["version"] = "1.0" },
    };

    public static JsonObject Echo(string message) => new()
    {
        ["name"] = "echo",
        ["arguments"] = new JsonObject { ["message"] = message },
    };

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        await _tls.DisposeAsync();
        _tcp.Dispose();
    }
}
