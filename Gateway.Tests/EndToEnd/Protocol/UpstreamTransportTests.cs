using System.Text.Json.Nodes;
using McpGateway.Core.Configuration;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;
using ModelContextProtocol.Protocol;

namespace McpGateway.Tests.EndToEnd.Protocol;

/// <summary>
/// The C# SDK through one gateway to three real upstreams: server-everything reached over a <c>tcp</c> connection,
/// server-filesystem over stdio on a temp dir, and server-memory over stdio whose <c>MEMORY_FILE_PATH</c> comes from
/// the connection's environment settings (the child starts from a cleared environment, so only injection can set it).
/// </summary>
[TestFixture]
internal sealed class UpstreamTransportTests
{
    private const string TcpConnection = "everything-tcp";
    private const string FilesystemConnection = "filesystem";
    private const string MemoryConnection = "memory";

    private string _directory = null!;
    private string _filesDirectory = null!;
    private string _memoryFile = null!;
    private TcpMcpServer _tcpServer = null!;
    private GatewayHarness _gateway = null!;

    [OneTimeSetUp]
    public async Task StartGatewayAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        _directory = Directory.CreateTempSubdirectory("mcpgw-upstreams-").FullName;
        _filesDirectory = Directory.CreateDirectory(Path.Combine(_directory, "files")).FullName;
        _memoryFile = Path.Combine(_directory, "memory.jsonl");
        _tcpServer = await TcpMcpServer.StartEverythingAsync(timeout.Token);
        _gateway = await GatewayHarness.StartAsync(
            timeout.Token,
            GatewayHarness.Tcp(TcpConnection, _tcpServer.Port),
            new StdioConnectionSettings
            {
                Name = FilesystemConnection,
                Command = "node",
                Args = [RepoPaths.ServerFilesystemJs, _filesDirectory],
            },
            new StdioConnectionSettings
            {
                Name = MemoryConnection,
                Command = "node",
                Args = [RepoPaths.ServerMemoryJs],
                Environment = new Dictionary<string, EnvironmentValue>
                {
                    ["MEMORY_FILE_PATH"] = new(EnvironmentValueSource.Literal, _memoryFile),
                },
            });
    }

    [OneTimeTearDown]
    public async Task StopGatewayAsync()
    {
        await _gateway.DisposeAsync();
        await _tcpServer.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    [CancelAfter(15000)]
    public async Task CallToolAsync_TcpUpstream_EchoesThroughGateway(CancellationToken cancellationToken)
    {
        await using var sdk = await GatewaySdkClient.ConnectAsync(_gateway.Endpoint, TcpConnection, cancellationToken);

        var echo = await sdk.Client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "over tcp" }, cancellationToken: cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(Text(echo), Is.EqualTo("Echo: over tcp"));
            Assert.That(sdk.Client.NegotiatedProtocolVersion, Is.EqualTo("2025-11-25"));
            Assert.That(sdk.Authentication["connection"]!.GetValue<string>(), Is.EqualTo(TcpConnection));
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task CallToolAsync_ManyConcurrentCallsAcrossTransportBlocks_EachGetsItsOwnAnswer(CancellationToken cancellationToken)
    {
        // Sizes around and well over the transport's 16 KiB blocks, sent at once: frames split across blocks and reads
        // in both directions, batches of many frames per read, on one client and one upstream connection.
        await using var sdk = await GatewaySdkClient.ConnectAsync(_gateway.Endpoint, TcpConnection, cancellationToken);
        int[] sizes = [1, 200, 4000, 4100, 16_300, 16_400, 40_000, 100_000];
        var messages = Enumerable.Range(0, 48).Select(i => $"{i}:" + new string((char)('a' + (i % 26)), sizes[i % sizes.Length])).ToList();

        var answers = await Task.WhenAll(messages.Select(message =>
            sdk.Client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = message }, cancellationToken: cancellationToken).AsTask()));

        Assert.That(answers.Select(Text), Is.EqualTo(messages.Select(message => "Echo: " + message)));
    }

    [Test]
    [CancelAfter(15000)]
    public async Task CallToolAsync_FilesystemWriteThenRead_ReturnsWrittenContent(CancellationToken cancellationToken)
    {
        var path = Path.Combine(_filesDirectory, "note.txt");
        await using var sdk = await GatewaySdkClient.ConnectAsync(_gateway.Endpoint, FilesystemConnection, cancellationToken);

        var write = await sdk.Client.CallToolAsync("write_file", new Dictionary<string, object?> { ["path"] = path, ["content"] = "written through the gateway\n" }, cancellationToken: cancellationToken);
        var read = await sdk.Client.CallToolAsync("read_text_file", new Dictionary<string, object?> { ["path"] = path }, cancellationToken: cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(write.IsError, Is.Not.True, Text(write));
            Assert.That(Text(read), Is.EqualTo("written through the gateway\n"));
            Assert.That(File.ReadAllText(path), Is.EqualTo("written through the gateway\n"));
        });
    }

    [Test]
    [CancelAfter(15000)]
    public async Task CallToolAsync_MemoryWithInjectedFilePath_WritesEntityToConfiguredFile(CancellationToken cancellationToken)
    {
        await using var sdk = await GatewaySdkClient.ConnectAsync(_gateway.Endpoint, MemoryConnection, cancellationToken);

        var entities = new[]
        {
            new Dictionary<string, object?> { ["name"] = "McpGateway", ["entityType"] = "project", ["observations"] = new[] { "relays MCP" } },
        };
        var create = await sdk.Client.CallToolAsync("create_entities", new Dictionary<string, object?> { ["entities"] = entities }, cancellationToken: cancellationToken);
        var search = await sdk.Client.CallToolAsync("search_nodes", new Dictionary<string, object?> { ["query"] = "McpGateway" }, cancellationToken: cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(create.IsError, Is.Not.True, Text(create));
            Assert.That(Text(search), Does.Contain("relays MCP"));
            Assert.That(_memoryFile, Does.Exist);
        });
        var stored = File.ReadAllLines(_memoryFile).Select(line => JsonNode.Parse(line)?["name"]?.GetValue<string>());
        Assert.That(stored, Does.Contain("McpGateway"));
    }

    private static string Text(CallToolResult result) => result.Content.OfType<TextContentBlock>().First().Text;
}
