using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpGateway.Tests.EndToEnd.Protocol;

/// <summary>
/// The official C# SDK client talking to the gateway over TCP, as an agent would: the gateway handshake is written
/// and its answer read byte by byte up to the newline (so nothing the SDK needs is consumed), then the same stream
/// is handed to <see cref="McpClient.CreateAsync"/>. Every frame the SDK exchanges is recorded in <see cref="Wire"/>.
/// </summary>
internal sealed class GatewaySdkClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;

    private GatewaySdkClient(TcpClient tcp, RecordingStream wire, McpClient client, JsonObject authentication)
    {
        _tcp = tcp;
        Wire = wire;
        Client = client;
        Authentication = authentication;
    }

    public McpClient Client { get; }

    /// <summary>The SDK's side of the connection after the handshake: what it wrote and what it read.</summary>
    public RecordingStream Wire { get; }

    /// <summary>The <c>result</c> of <c>mcpgateway/authenticate</c>.</summary>
    public JsonObject Authentication { get; }

    public static async Task<GatewaySdkClient> ConnectAsync(IPEndPoint endpoint, string connection, CancellationToken cancellationToken, McpClientOptions? options = null)
    {
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(endpoint, cancellationToken);
            var stream = tcp.GetStream();
            var authenticate = new JsonObject
            {
                ["jsonrpc"] = "2.0",
                ["id"] = "auth-1",
                ["method"] = "mcpgateway/authenticate",
                ["params"] = new JsonObject { ["token"] = "sdk-token", ["connection"] = connection },
            };
            await stream.WriteAsync(Encoding.UTF8.GetBytes(authenticate.ToJsonString() + "\n"), cancellationToken);
            var answer = JsonNode.Parse(await ReadLineAsync(stream, cancellationToken))!.AsObject();
            if (answer["result"] is not JsonObject result)
            {
                throw new InvalidOperationException($"authenticate failed: {answer.ToJsonString()}");
            }

            var wire = new RecordingStream(stream);
            var client = await McpClient.CreateAsync(new StreamClientTransport(wire, wire), options, cancellationToken: cancellationToken);
            return new GatewaySdkClient(tcp, wire, client, result.DeepClone().AsObject());
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    private static async Task<string> ReadLineAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var line = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            if (await stream.ReadAsync(one, cancellationToken) == 0)
            {
                throw new EndOfStreamException("the gateway closed the connection during the handshake");
            }

            if (one[0] == (byte)'\n')
            {
                return Encoding.UTF8.GetString([.. line]);
            }

            line.Add(one[0]);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        _tcp.Dispose();
    }
}
