using System.Globalization;
using System.Net;
using System.Net.Sockets;
using McpGateway.Tests.EndToEnd.Protocol;
using McpGateway.Tests.Infrastructure;

namespace McpGateway.Tests.Benchmarks;

/// <summary>
/// The load driver's floor targets (<c>dotnet-copy</c>, <c>kestrel-copy</c>): the benchmark program's <c>copy-relay</c>
/// run the way the driver runs it, as its own process, and the driver itself measuring both against its in-process
/// upstream. Kept short (2 connections, 1 s) so that the baseline cannot rot unnoticed.
/// </summary>
internal sealed class CopyRelayTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    [Test]
    [CancelAfter(180_000)]
    public async Task Load_CopyTargets_RelayEveryRequestAndReportTheirOwnCpu(CancellationToken cancellationToken)
    {
        var report = Path.Combine(Path.GetTempPath(), $"copy-relay-load-{Guid.NewGuid():N}.md");
        try
        {
            await using var driver = ChildProcess.Start("dotnet",
            [
                BuildOutputs.BenchmarksDll, "load", "--targets", "dotnet-copy,kestrel-copy", "--connections", "2", "--inflight", "4",
                "--seconds", "2", "--warmup", "1", "--idle-connections", "0", "--out", report,
            ]);
            await driver.WaitForExitAsync(cancellationToken);
            Assert.That(driver.ExitCode, Is.Zero, driver.Describe());

            var rows = File.ReadAllLines(report).Where(l => l.StartsWith("| 2 |", StringComparison.Ordinal)).Select(Cells).ToList();
            Assert.That(rows.Select(r => r[1]), Is.EqualTo(new[] { "dotnet-copy", "kestrel-copy" }), string.Join(Environment.NewLine, File.ReadAllLines(report)));
            foreach (var row in rows)
            {
                Assert.Multiple(() =>
                {
                    Assert.That(Number(row[2]), Is.GreaterThan(0), $"{row[1]} req/s");
                    Assert.That(row[6], Is.EqualTo("0"), $"{row[1]} errors");
                    // The relay's own process CPU, read from /proc like the gateway's and HAProxy's.
                    Assert.That(Number(row[8]), Is.GreaterThan(0), $"{row[1]} relay CPU µs/req");
                });
            }

            Assert.That(File.ReadAllText(report), Does.Contain("copy-relay --transport socket").And.Contain("copy-relay --transport kestrel"));
        }
        finally
        {
            File.Delete(report);
        }
    }

    [TestCase("socket")]
    [TestCase("kestrel")]
    [CancelAfter(90_000)]
    public async Task CopyRelay_BytesBothWaysAndHalfClose_ArriveUnchanged(string transport, CancellationToken cancellationToken)
    {
        using var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        upstream.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        upstream.Listen(4);
        await using var relay = ChildProcess.Start("dotnet", [BuildOutputs.BenchmarksDll, "copy-relay", "--upstream", upstream.LocalEndPoint!.ToString()!, "--transport", transport]);
        var endpoint = await ListeningEndpointAsync(relay, cancellationToken);

        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(endpoint, cancellationToken);
        using var server = await upstream.AcceptAsync(cancellationToken);

        var request = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n"u8.ToArray();
        await client.SendAsync(request, cancellationToken);
        client.Shutdown(SocketShutdown.Send);
        Assert.That(await ReadToEndAsync(server, cancellationToken), Is.EqualTo(request), "the client's bytes, then its end of stream");

        var answer = new byte[64 * 1024];
        Random.Shared.NextBytes(answer);
        await server.SendAsync(answer, cancellationToken);
        server.Shutdown(SocketShutdown.Send);
        Assert.That(await ReadToEndAsync(client, cancellationToken), Is.EqualTo(answer), "the upstream's bytes, then its end of stream");
    }

    [TestCase("socket")]
    [TestCase("kestrel")]
    [CancelAfter(90_000)]
    public async Task CopyRelay_UpstreamRefuses_ClosesTheClientAndSaysWhy(string transport, CancellationToken cancellationToken)
    {
        var closedPort = ClosedPort();
        await using var relay = ChildProcess.Start("dotnet", [BuildOutputs.BenchmarksDll, "copy-relay", "--upstream", $"127.0.0.1:{closedPort}", "--transport", transport]);
        var endpoint = await ListeningEndpointAsync(relay, cancellationToken);

        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(endpoint, cancellationToken);
        Assert.That(await ReadToEndAsync(client, cancellationToken), Is.Empty);

        // Ended (its input closed) so that all it printed has been read.
        relay.Input.Close();
        await relay.WaitForExitAsync(cancellationToken);
        Assert.That(relay.StandardError, Does.Contain($"upstream 127.0.0.1:{closedPort} refused a connection"));
    }

    [TestCase("socket")]
    [TestCase("kestrel")]
    [CancelAfter(90_000)]
    public async Task CopyRelay_StandardInputEnds_ExitsCleanly(string transport, CancellationToken cancellationToken)
    {
        await using var relay = ChildProcess.Start("dotnet", [BuildOutputs.BenchmarksDll, "copy-relay", "--upstream", "127.0.0.1:9", "--transport", transport]);
        await ListeningEndpointAsync(relay, cancellationToken);

        relay.Input.Close();
        await relay.WaitForExitAsync(cancellationToken);
        Assert.That(relay.ExitCode, Is.Zero, relay.Describe());
    }

    [TestCase("--upstream", "nowhere", "--upstream nowhere: expected an IP address and a port")]
    [TestCase("--upstream", "127.0.0.1:0", "(not port 0)")]
    [TestCase("--transport", "uring", "--transport uring: transports are socket, kestrel")]
    [TestCase("--listen", "localhost:80", "--listen localhost:80: expected an IP address and a port")]
    [TestCase("--speed", "1", "unknown option --speed")]
    [CancelAfter(60_000)]
    public async Task CopyRelay_BadArgument_ExitsWithTwoAndNamesIt(string option, string value, string expected, CancellationToken cancellationToken)
    {
        string[] arguments = option == "--upstream" ? [option, value] : ["--upstream", "127.0.0.1:9", option, value];
        await using var relay = ChildProcess.Start("dotnet", [BuildOutputs.BenchmarksDll, "copy-relay", .. arguments]);
        await relay.WaitForExitAsync(cancellationToken);
        Assert.Multiple(() =>
        {
            Assert.That(relay.ExitCode, Is.EqualTo(2));
            Assert.That(relay.StandardError, Does.Contain(expected).And.Contain("usage:"));
        });
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task CopyRelay_NoUpstream_ExitsWithTwoAndSaysItIsRequired(CancellationToken cancellationToken)
    {
        await using var relay = ChildProcess.Start("dotnet", [BuildOutputs.BenchmarksDll, "copy-relay", "--transport", "socket"]);
        await relay.WaitForExitAsync(cancellationToken);
        Assert.Multiple(() =>
        {
            Assert.That(relay.ExitCode, Is.EqualTo(2));
            Assert.That(relay.StandardError, Does.Contain("--upstream is required"));
        });
    }

    private static async Task<IPEndPoint> ListeningEndpointAsync(ChildProcess relay, CancellationToken cancellationToken)
    {
        const string Marker = "copy-relay: listening on ";
        var line = await relay.WaitForLineAsync(l => l.StartsWith(Marker, StringComparison.Ordinal), StartTimeout, cancellationToken);
        return IPEndPoint.Parse(line[Marker.Length..]);
    }

    private static async Task<byte[]> ReadToEndAsync(Socket socket, CancellationToken cancellationToken)
    {
        using var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        while (true)
        {
            int read;
            try
            {
                read = await socket.ReceiveAsync(buffer, cancellationToken);
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
            {
                return received.ToArray();
            }

            if (read == 0)
            {
                return received.ToArray();
            }

            received.Write(buffer, 0, read);
        }
    }

    // A port nothing listens on: bound, then released.
    private static int ClosedPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    private static string[] Cells(string row) => [.. row.Trim('|').Split('|').Select(c => c.Trim())];

    private static double Number(string cell) => double.Parse(cell, NumberStyles.Number, CultureInfo.InvariantCulture);
}
