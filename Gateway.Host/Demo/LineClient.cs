using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace McpGateway.Host.Demo;

/// <summary>A minimal newline-delimited JSON-RPC client for the demo script.</summary>
internal sealed class LineClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly StreamReader _reader;
    private readonly Stream _stream;

    private LineClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        _reader = new StreamReader(_stream, new UTF8Encoding(false));
    }

    public static async Task<LineClient> ConnectAsync(IPEndPoint endpoint, CancellationToken cancellationToken)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(endpoint, cancellationToken);
        return new LineClient(tcp);
    }

    public async Task SendAsync(string line, CancellationToken cancellationToken)
    {
        await _stream.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"), cancellationToken);
    }

    /// <summary>Sends a request and returns its response, passing any notification that arrives first to <paramref name="onNotification"/>.</summary>
    public async Task<JsonObject> RequestAsync(int id, string method, JsonObject? parameters, Action<JsonObject>? onNotification, CancellationToken cancellationToken)
    {
        var request = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method };
        if (parameters is not null)
        {
            request["params"] = parameters;
        }

        await SendAsync(request.ToJsonString(), cancellationToken);
        while (true)
        {
            var message = await ReadAsync(cancellationToken);
            if (message["id"] is JsonValue value && value.TryGetValue<int>(out var got) && got == id)
            {
                return message;
            }

            onNotification?.Invoke(message);
        }
    }

    public async Task<JsonObject> ReadAsync(CancellationToken cancellationToken)
    {
        var line = await _reader.ReadLineAsync(cancellationToken) ?? throw new IOException("the gateway closed the connection");
        return JsonNode.Parse(line)?.AsObject() ?? throw new JsonException("empty frame");
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _reader.Dispose();
        _tcp.Dispose();
    }
}
