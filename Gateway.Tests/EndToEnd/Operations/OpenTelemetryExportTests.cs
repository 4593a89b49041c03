using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using McpGateway.Core.Configuration;
using McpGateway.Tests.EndToEnd.Support;

namespace McpGateway.Tests.EndToEnd.Operations;

/// <summary>With <c>telemetry</c>, a session's span and the gateway's metrics reach an OTLP/HTTP collector.</summary>
[TestFixture]
internal sealed class OpenTelemetryExportTests
{
    [Test]
    [CancelAfter(30000)]
    public async Task Telemetry_OtlpHttp_ExportsTheSessionSpanAndTheMetrics(CancellationToken cancellationToken)
    {
        var port = FreePort();
        using var collector = new HttpListener();
        collector.Prefixes.Add(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/"));
        collector.Start();
        var received = new ConcurrentQueue<(string Path, string Body)>();
        var receiving = ReceiveAsync(collector, received, cancellationToken);
        var settings = GatewayHarness.Settings(GatewayHarness.Everything()) with
        {
            Telemetry = new TelemetrySettings
            {
                OtlpEndpoint = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}")),
                HttpProtobuf = true,
                ServiceName = "mcpgw-test",
                ExportInterval = TimeSpan.FromMilliseconds(300),
            },
        };

        await using (var gateway = await GatewayHarness.StartAsync(settings, cancellationToken))
        {
            await using var client = await gateway.ConnectAsync("everything", cancellationToken);
            await client.InitializeAsync(cancellationToken);
        }

        // Stopping the gateway flushed the finished session span and the last metrics.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!(Has(received, "/v1/traces", "mcpgw.session") && Has(received, "/v1/metrics", "mcpgw.frames")) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }

        collector.Stop();
        await receiving;
        Assert.Multiple(() =>
        {
            Assert.That(Has(received, "/v1/traces", "mcpgw.session"), Is.True, "the session span");
            Assert.That(Has(received, "/v1/traces", "mcpgw-test"), Is.True, "the service name");
            Assert.That(Has(received, "/v1/metrics", "mcpgw.frames"), Is.True, "the frame counter");
            Assert.That(Has(received, "/v1/metrics", "mcpgw.chain.duration"), Is.True, "the chain latency histogram");
        });
    }

    private static bool Has(ConcurrentQueue<(string Path, string Body)> received, string path, string text) =>
        received.Any(r => r.Path == path && r.Body.Contains(text, StringComparison.Ordinal));

    /// <summary>Answers every OTLP export with 200 and keeps its body (protobuf: names are plain UTF-8 inside).</summary>
    private static async Task ReceiveAsync(HttpListener collector, ConcurrentQueue<(string, string)> received, CancellationToken cancellationToken)
    {
        while (collector.IsListening && !cancellationToken.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await collector.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body, cancellationToken);
            received.Enqueue((context.Request.Url!.AbsolutePath, Encoding.Latin1.GetString(body.ToArray())));
            context.Response.StatusCode = 200;
            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
