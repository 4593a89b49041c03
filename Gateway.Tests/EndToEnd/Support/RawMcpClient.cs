using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace McpGateway.Tests.EndToEnd.Support;

/// <summary>
/// Newline-delimited JSON-RPC over a TCP socket, byte-exact: tests send the frames they mean (hostile ones
/// included) and read every frame the gateway sends, notifications included.
/// </summary>
internal sealed class RawMcpClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private readonly MemoryStream _pending = new();

    private RawMcpClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public NetworkStream Stream => _stream;

    public static async Task<RawMcpClient> ConnectAsync(IPEndPoint endpoint, CancellationToken cancellationToken)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(endpoint, cancellationToken);
        return new RawMcpClient(tcp);
    }

    public Task<JsonObject> AuthenticateAsync(string? connection, CancellationToken cancellationToken, string token = "test-token")
    {
        var parameters = new JsonObject { ["token"] = token };
        if (connection is not null)
        {
            parameters["connection"] = connection;
        }

        return RequestAsync("auth-1", "mcpgateway/authenticate", parameters, cancellationToken);
    }

    /// <summary>Sends raw bytes as they are (add the newline yourself).</summary>
    public async Task SendRawAsync(byte[] bytes, CancellationToken cancellationToken) => await _stream.WriteAsync(bytes, cancellationToken);

    public Task SendAsync(string line, CancellationToken cancellationToken) => SendRawAsync(Encoding.UTF8.GetBytes(line + "\n"), cancellationToken);

    public Task SendAsync(JsonObject message, CancellationToken cancellationToken) => SendAsync(message.ToJsonString(), cancellationToken);

    /// <summary>Sends a request and reads until its response; frames in between are collected in <paramref name="others"/>.</summary>
    public async Task<JsonObject> RequestAsync(JsonNode id, string method, JsonObject? parameters, CancellationToken cancellationToken, List<JsonObject>? others = null)
    {
        var request = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id.DeepClone(), ["method"] = method };
        if (parameters is not null)
        {
            request["params"] = parameters;
        }

        await SendAsync(request, cancellationToken);
        return await ReadResponseAsync(id, cancellationToken, others);
    }

    public async Task<JsonObject> ReadResponseAsync(JsonNode id, CancellationToken cancellationToken, List<JsonObject>? others = null)
    {
        while (true)
        {
            var message = await ReadAsync(cancellationToken);
            if (message.ContainsKey("id") && JsonNode.DeepEquals(message["id"], id) && !message.ContainsKey("method"))
            {
                return message;
            }

            others?.Add(message);
        }
    }

    /// <summary>The next frame from the gateway; throws <see cref="EndOfStreamException"/> when it closed the connection.</summary>
    public async Task<JsonObject> ReadAsync(CancellationToken cancellationToken)
    {
        var line = await ReadLineAsync(cancellationToken) ?? throw new EndOfStreamException("the gateway closed the connection");
        return JsonNode.Parse(line)!.AsObject();
    }

    /// <summary>The next line, or null at end of stream.</summary>
    public async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var data = _pending.GetBuffer().AsSpan(0, (int)_pending.Length);
            var newline = data.IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var line = Encoding.UTF8.GetString(data[..newline]);
                var rest = data[(newline + 1)..].ToArray();
                _pending.SetLength(0);
                _pending.Write(rest);
                return line;
            }

            var read = await _stream.ReadAsync(_buffer, cancellationToken);
            if (read == 0)
            {
                return null;
            }

            _pending.Write(_buffer, 0, read);
        }
    }

    /// <summary>True when the gateway closed the connection (after reading and discarding what was still sent).</summary>
    public async Task<bool> IsClosedByGatewayAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await ReadLineAsync(cancellationToken) is not null)
            {
            }

            return true;
        }
        catch (IOException)
        {
            return true;
        }
    }

    public async Task InitializeAsync(CancellationToken cancellationToken, string protocolVersion = "2025-06-18")
    {
        var response = await RequestAsync(0, "initialize", new JsonObject
        {
            ["protocolVersion"] = protocolVersion,
            ["capabilities"] = new JsonObject(),
            ["clientInfo"] = new JsonObject { ["name"] = "raw-test-client", ["version"] = "1.0" },
        }, cancellationToken);
        if (response["result"] is null)
        {
            throw new InvalidOperationException($"initialize failed: {response.ToJsonString()}");
        }

        await SendAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""", cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
        await _pending.DisposeAsync();
    }
}
