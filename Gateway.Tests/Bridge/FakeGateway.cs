using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace McpGateway.Tests.Bridge;

/// <summary>A scripted gateway on 127.0.0.1 for one bridge connection: the test reads the lines the bridge sends and writes what the gateway answers.</summary>
internal sealed class FakeGateway : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private TcpClient? _accepted;
    private StreamReader? _reader;
    private NetworkStream? _stream;

    public FakeGateway() => _listener.Start();

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public async Task AcceptAsync(CancellationToken cancellationToken)
    {
        _accepted = await _listener.AcceptTcpClientAsync(cancellationToken);
        _stream = _accepted.GetStream();
        _reader = new StreamReader(_stream, Encoding.UTF8, false, 1024 * 1024, leaveOpen: true);
    }

    /// <summary>The next line the bridge sent, or null when it closed the connection.</summary>
    public Task<string?> ReadLineAsync(CancellationToken cancellationToken) => _reader!.ReadLineAsync(cancellationToken).AsTask();

    public async Task<JsonObject> ReadAsync(CancellationToken cancellationToken) =>
        JsonNode.Parse(await ReadLineAsync(cancellationToken) ?? throw new EndOfStreamException("the bridge closed the connection"))!.AsObject();

    public async Task WriteLineAsync(string line, CancellationToken cancellationToken)
    {
        await _stream!.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"), cancellationToken);
        await _stream.FlushAsync(cancellationToken);
    }

    /// <summary>Answers an authenticate request with success, valid until <paramref name="expiresAt"/>.</summary>
    public Task AcceptAuthenticateAsync(JsonObject request, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        WriteLineAsync(new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = request["id"]!.DeepClone(),
            ["result"] = new JsonObject
            {
                ["sessionId"] = "s1",
                ["subject"] = "agent",
                ["groups"] = new JsonArray(),
                ["connection"] = request["params"]?["connection"]?.DeepClone(),
                ["expiresAt"] = expiresAt.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            },
        }.ToJsonString(), cancellationToken);

    public Task RefuseAsync(JsonNode? id, int code, string reason, string message, CancellationToken cancellationToken) =>
        WriteLineAsync(new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = id?.DeepClone(),
            ["error"] = new JsonObject { ["code"] = code, ["message"] = message, ["data"] = new JsonObject { ["reason"] = reason } },
        }.ToJsonString(), cancellationToken);

    /// <summary>Closes the gateway's side of the connection.</summary>
    public void Close() => _accepted?.Close();

    public ValueTask DisposeAsync()
    {
        _reader?.Dispose();
        _accepted?.Dispose();
        _listener.Stop();
        _listener.Dispose();
        return ValueTask.CompletedTask;
    }
}
