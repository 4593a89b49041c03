using System.Buffers;
using System.Collections.Frozen;
using System.IO.Pipelines;
using System.Net;
using McpGateway.Core.Chain;
using McpGateway.Core.Configuration;
using McpGateway.Core.Hosting;
using McpGateway.Core.Identity;
using McpGateway.Core.Sessions;
using McpGateway.Inspectors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpGateway.Benchmarks.Chain;

/// <summary>
/// One authenticated <see cref="GatewaySession"/> between in-memory pipes: client pipe -> session -> upstream pipe
/// and back. Every pipe schedules inline, so a flush runs the session's pump on the calling thread and a round trip
/// is synchronous: what it allocates shows up in <see cref="GC.GetAllocatedBytesForCurrentThread"/>.
/// </summary>
internal sealed class RelayRig : IAsyncDisposable
{
    private static readonly PipeOptions InlinePipe = new(
        readerScheduler: PipeScheduler.Inline,
        writerScheduler: PipeScheduler.Inline,
        pauseWriterThreshold: 0,
        useSynchronizationContext: false);

    private readonly Pipe _clientIn = new(InlinePipe);
    private readonly Pipe _clientOut = new(InlinePipe);
    private readonly Pipe _upstreamIn = new(InlinePipe);
    private readonly Pipe _upstreamOut = new(InlinePipe);
    private readonly ServiceProvider _services;
    private readonly GatewaySession _session;
    private readonly byte[] _requests;
    private readonly byte[] _responses;
    private Task? _run;

    /// <param name="middleInspectors">Pass-through inspectors between authentication and the (absent) recording end.</param>
    /// <param name="framesPerBatch">Frames written with one flush, each way.</param>
    public RelayRig(int middleInspectors, int framesPerBatch, int frameBytes)
    {
        var names = Enumerable.Range(1, middleInspectors).Select(i => $"pass-{i}").ToArray();
        var settings = new GatewaySettings
        {
            Endpoint = new IPEndPoint(IPAddress.Loopback, 0),
            AuthMode = AuthMode.None,
            Inspectors = names,
            Connections = new Dictionary<string, ConnectionSettings>
            {
                ["bench"] = new TcpConnectionSettings { Name = "bench", Host = "127.0.0.1", Port = 1 },
            }.ToFrozenDictionary(StringComparer.Ordinal),
        };

        var services = new ServiceCollection().AddLogging().AddSingleton(TimeProvider.System).AddSingleton(settings);
        services.AddBuiltInInspectors(settings);
        foreach (var name in names)
        {
            services.AddInspector(name, _ => new PassThroughInspector(name));
        }

        _services = services.BuildServiceProvider();
        var chain = InspectorChainBuilder.Build(_services.GetServices<InspectorRegistration>(), settings.Inspectors, _services, NullLogger.Instance);
        var upstream = new InMemoryUpstreamChannel(_upstreamIn.Reader, _upstreamOut.Writer);
        var runtime = new GatewayRuntime(
            settings,
            chain,
            _services.GetRequiredService<IGatewayAuthenticator>(),
            TimeProvider.System,
            NullLoggerFactory.Instance,
            new InMemoryUpstreamConnector(upstream));
        _session = new GatewaySession(runtime, new DuplexPipe(_clientIn.Reader, _clientOut.Writer), "in-memory");
        _requests = RelayFrames.Requests(framesPerBatch, frameBytes);
        _responses = RelayFrames.Responses(framesPerBatch, frameBytes);
        Describe = chain.Describe();
    }

    public string Describe { get; }

    /// <summary>Starts the session, authenticates and initializes; afterwards both pumps wait for data.</summary>
    public void Start()
    {
        _run = _session.RunAsync(CancellationToken.None);
        Send(_clientIn.Writer, """{"jsonrpc":"2.0","id":0,"method":"mcpgateway/authenticate","params":{"token":"bench"}}"""u8);
        var reply = Drain(_clientOut.Reader);
        if (reply == 0 || _run.IsCompleted)
        {
            throw new InvalidOperationException("the in-memory session did not authenticate");
        }

        // The MCP handshake, as every client does it before its calls.
        Send(_clientIn.Writer, """{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"0.1"}}}"""u8);
        var initialize = Drain(_upstreamOut.Reader);
        Send(_upstreamIn.Writer, """{"jsonrpc":"2.0","id":0,"result":{"protocolVersion":"2025-06-18","capabilities":{"tools":{}},"serverInfo":{"name":"bench","version":"0.1"}}}"""u8);
        var initialized = Drain(_clientOut.Reader);
        Send(_clientIn.Writer, """{"jsonrpc":"2.0","method":"notifications/initialized"}"""u8);
        if (initialize == 0 || initialized == 0 || Drain(_upstreamOut.Reader) == 0 || _run.IsCompleted)
        {
            throw new InvalidOperationException("the in-memory session did not complete the MCP handshake");
        }
    }

    /// <summary>One batch of requests client -> upstream and its responses upstream -> client; returns the bytes the client got.</summary>
    public long RoundTrip()
    {
        Send(_clientIn.Writer, _requests);
        var forwarded = Drain(_upstreamOut.Reader);
        Send(_upstreamIn.Writer, _responses);
        var returned = Drain(_clientOut.Reader);
        if (forwarded != _requests.Length || returned != _responses.Length)
        {
            throw new InvalidOperationException($"relay lost bytes: {forwarded}/{_requests.Length} forwarded, {returned}/{_responses.Length} returned");
        }

        return returned;
    }

    private static void Send(PipeWriter writer, ReadOnlySpan<byte> bytes)
    {
        writer.Write(bytes);
        if (bytes[^1] != (byte)'\n')
        {
            writer.Write("\n"u8);
        }

        var flush = writer.FlushAsync();
        if (!flush.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException("an inline pipe flush must complete synchronously");
        }
    }

    private static long Drain(PipeReader reader)
    {
        if (!reader.TryRead(out var result))
        {
            return 0;
        }

        var length = result.Buffer.Length;
        reader.AdvanceTo(result.Buffer.End);
        return length;
    }

    public async ValueTask DisposeAsync()
    {
        await _clientIn.Writer.CompleteAsync().ConfigureAwait(false);
        if (_run is not null)
        {
            await _run.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }

        await _session.DisposeAsync().ConfigureAwait(false);
        await _upstreamIn.Writer.CompleteAsync().ConfigureAwait(false);
        await _clientOut.Reader.CompleteAsync().ConfigureAwait(false);
        await _upstreamOut.Reader.CompleteAsync().ConfigureAwait(false);
        await _services.DisposeAsync().ConfigureAwait(false);
    }
}
