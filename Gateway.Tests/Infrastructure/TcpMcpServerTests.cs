using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using NUnit.Framework;

namespace McpGateway.Tests.Infrastructure;

[TestFixture]
internal sealed class TcpMcpServerTests
{
    private const string Initialize =
        """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"infrastructure-test","version":"0.1"}}}""";

    [Test]
    [CancelAfter(30000)]
    public async Task StartEverythingAsync_RawInitialize_AnswersWithServerInfo(CancellationToken cancellationToken)
    {
        await using var server = await TcpMcpServer.StartEverythingAsync(cancellationToken);

        using var response = await InitializeAsync(server, cancellationToken);

        var result = response.RootElement.GetProperty("result");
        Assert.Multiple(() =>
        {
            Assert.That(server.Port, Is.GreaterThan(0));
            Assert.That(result.GetProperty("serverInfo").GetProperty("name").GetString(), Is.EqualTo("mcp-servers/everything"));
            Assert.That(result.GetProperty("protocolVersion").GetString(), Is.EqualTo("2025-06-18"));
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task StartEverythingAsync_TwoConnectionsAtOnce_BothAnswerInitialize(CancellationToken cancellationToken)
    {
        await using var server = await TcpMcpServer.StartEverythingAsync(cancellationToken);

        var responses = await Task.WhenAll(InitializeAsync(server, cancellationToken), InitializeAsync(server, cancellationToken));

        try
        {
            Assert.That(
                responses.Select(r => r.RootElement.GetProperty("result").GetProperty("serverInfo").GetProperty("name").GetString()),
                Is.All.EqualTo("mcp-servers/everything"));
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
    }

    [Test]
    [CancelAfter(30000)]
    public async Task DisposeAsync_RunningServer_StopsListening(CancellationToken cancellationToken)
    {
        var server = await TcpMcpServer.StartEverythingAsync(cancellationToken);
        var endPoint = server.EndPoint;

        await server.DisposeAsync();

        using var client = new TcpClient();
        Assert.ThrowsAsync<SocketException>(async () => await client.ConnectAsync(endPoint, cancellationToken));
    }

    [Test]
    [CancelAfter(30000)]
    public async Task StartAsync_CommandExitsAtOnce_ClientReadsOutputThenEndOfStream(CancellationToken cancellationToken)
    {
        await using var server = await TcpMcpServer.StartAsync("node", ["-e", "process.stdout.write('bye\\n')"], cancellationToken);
        using var client = new TcpClient();
        await client.ConnectAsync(server.EndPoint, cancellationToken);
        using var reader = new StreamReader(client.GetStream(), Encoding.UTF8);

        var first = await reader.ReadLineAsync(cancellationToken);
        var second = await reader.ReadLineAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.EqualTo("bye"));
            Assert.That(second, Is.Null);
        });
    }

    private static async Task<JsonDocument> InitializeAsync(TcpMcpServer server, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.EndPoint, cancellationToken);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.UTF8.GetBytes(Initialize + "\n"), cancellationToken);

        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            var message = JsonDocument.Parse(line);
            if (message.RootElement.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.Number && id.GetInt32() == 1)
            {
                return message;
            }

            message.Dispose(); // a notification sent before the answer
        }

        throw new AssertionException($"The connection closed before the initialize answer.{Environment.NewLine}{server.Process.Describe()}");
    }
}
