using System.Net;
using System.Net.Http.Headers;
using System.Text;
using McpGateway.Core.Configuration;
using McpGateway.Tests.EndToEnd.Hostile;
using McpGateway.Tests.EndToEnd.Support;

namespace McpGateway.Tests.EndToEnd.FrontDoor;

/// <summary>
/// Where the server's messages go: progress naming a request's token to that POST's SSE stream, ahead of its response;
/// a message no request waits for to the GET stream, or, while none is open, to a POST that is still streaming. And an
/// abandoned session ends at the idle timeout, upstream included.
/// </summary>
[TestFixture]
internal sealed class FrontDoorStreamTests
{
    private const string Spy = "spy";
    private const string Progress = """{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"tok-1","progress":1,"total":2}}""";
    private const string Log = """{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"unrelated"}}""";

    private SpyUpstream _spy = null!;
    private FrontDoorRig _rig = null!;
    private string _token = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        _spy = SpyUpstream.Start(SpyBehavior.Scripted(line => line.Method switch
        {
            "tools/call" when line.Text.Contains("\"hang\"", StringComparison.Ordinal) => [],
            "tools/call" => [HostileWire.Utf8(Progress), line.EchoResponse()],
            "tools/list" => [HostileWire.Utf8(Log), line.EchoResponse()],
            _ when line.IsRequest => [line.EchoResponse()],
            _ => [],
        }));
        _rig = await FrontDoorRig.StartAsync(
            settings => settings with { ConnectionLimits = settings.ConnectionLimits with { IdleTimeout = TimeSpan.FromSeconds(3) } },
            timeout.Token,
            GatewayHarness.Tcp(Spy, _spy.Port));
        _token = await _rig.TokenAsync(timeout.Token);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _rig.DisposeAsync();
        await _spy.DisposeAsync();
    }

    private Uri Url => _rig.Url(Spy);

    [Test]
    [CancelAfter(15000)]
    public async Task Post_ProgressForTheRequest_SseStreamOfProgressThenResponse(CancellationToken cancellationToken)
    {
        var session = await InitializeAsync(cancellationToken);

        using var answer = await _rig.Http.SendAsync(FrontDoorRig.Post(Url, """{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"slow","_meta":{"progressToken":"tok-1"}}}""", _token, session), cancellationToken);
        var events = Events(await answer.Content.ReadAsStringAsync(cancellationToken));

        Assert.Multiple(() =>
        {
            Assert.That(answer.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/event-stream"));
            Assert.That(events, Has.Count.EqualTo(2));
            Assert.That(events[0], Does.Contain("notifications/progress").And.Contain("tok-1"));
            Assert.That(events[1], Does.StartWith("""{"jsonrpc":"2.0","id":7,"result":""").And.Contain("tools/call"));
        });
    }

    [Test]
    [CancelAfter(15000)]
    public async Task Get_MessageNoRequestWaitsFor_ArrivesOnTheGetStream_PostAnsweredWithJson(CancellationToken cancellationToken)
    {
        var session = await InitializeAsync(cancellationToken);
        using var get = new HttpRequestMessage(HttpMethod.Get, Url);
        get.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        get.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        get.Headers.Add("Mcp-Session-Id", session);
        using var stream = await _rig.Http.SendAsync(get, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync(cancellationToken), Encoding.UTF8);

        using var answer = await _rig.Http.SendAsync(FrontDoorRig.Post(Url, """{"jsonrpc":"2.0","id":8,"method":"tools/list"}""", _token, session), cancellationToken);
        var body = await answer.Content.ReadAsStringAsync(cancellationToken);
        string? data = null;
        while (data is null && await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            data = line.StartsWith("data: ", StringComparison.Ordinal) ? line[6..] : null;
        }

        Assert.Multiple(() =>
        {
            Assert.That(stream.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(stream.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/event-stream"));
            Assert.That(answer.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
            Assert.That(body, Does.StartWith("""{"jsonrpc":"2.0","id":8,"result":"""));
            Assert.That(data, Is.EqualTo(Log));
        });
    }

    [Test]
    [CancelAfter(15000)]
    public async Task Post_MessageNoRequestWaitsForWithoutGetStream_CarriedByTheStreamingPost(CancellationToken cancellationToken)
    {
        var session = await InitializeAsync(cancellationToken);

        using var answer = await _rig.Http.SendAsync(FrontDoorRig.Post(Url, """{"jsonrpc":"2.0","id":9,"method":"tools/list"}""", _token, session), cancellationToken);
        var events = Events(await answer.Content.ReadAsStringAsync(cancellationToken));

        Assert.That(events, Is.EqualTo(new[] { Log, events.Last() }));
        Assert.That(events.Last(), Does.StartWith("""{"jsonrpc":"2.0","id":9,"result":"""));
    }

    [Test]
    [CancelAfter(15000)]
    public async Task Session_Abandoned_EndsAtTheIdleTimeoutWithItsUpstream(CancellationToken cancellationToken)
    {
        var index = _spy.Connections.Count;
        var session = await InitializeAsync(cancellationToken);
        var upstream = await _spy.WaitForConnectionAsync(index, cancellationToken);

        await upstream.Reading.WaitAsync(TimeSpan.FromSeconds(8), cancellationToken);
        using var after = await _rig.Http.SendAsync(FrontDoorRig.Post(Url, """{"jsonrpc":"2.0","id":2,"method":"tools/list"}""", _token, session), cancellationToken);

        Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    [CancelAfter(15000)]
    public async Task Stateless_CancelledByTheClientsId_ReachesTheUpstreamUnderTheFrontDoorsNumber(CancellationToken cancellationToken)
    {
        using var call = Stateless("""{"jsonrpc":"2.0","id":"c-1","method":"tools/call","params":{"name":"hang"}}""", "tools/call");
        call.Headers.Add("Mcp-Name", "hang");
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pending = _rig.Http.SendAsync(call, abort.Token);
        var relayed = await WaitForLineAsync(l => l.Method == "tools/call" && l.Text.Contains("\"hang\"", StringComparison.Ordinal), cancellationToken);

        using var cancel = Stateless("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"c-1","reason":"user"}}""", "notifications/cancelled");
        using var accepted = await _rig.Http.SendAsync(cancel, cancellationToken);
        var cancellation = await WaitForLineAsync(l => l.Method == "notifications/cancelled", cancellationToken);
        await abort.CancelAsync();
        Assert.CatchAsync<OperationCanceledException>(() => pending);

        Assert.Multiple(() =>
        {
            Assert.That(relayed.RawId, Does.Match("^[0-9]+$"));
            Assert.That(accepted.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
            Assert.That(cancellation.Text, Does.Contain("\"requestId\":" + relayed.RawId + ",").And.Not.Contain("c-1"));
        });
    }

    private HttpRequestMessage Stateless(string body, string method)
    {
        var request = FrontDoorRig.Post(Url, body, _token);
        request.Headers.Add("MCP-Protocol-Version", "2026-07-28");
        request.Headers.Add("Mcp-Method", method);
        return request;
    }

    private async Task<SpyLine> WaitForLineAsync(Func<SpyLine, bool> match, CancellationToken cancellationToken)
    {
        while (true)
        {
            var found = _spy.Connections.SelectMany(c => c.Lines).FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }

            await Task.Delay(20, cancellationToken);
        }
    }

    private async Task<string> InitializeAsync(CancellationToken cancellationToken)
    {
        using var initialized = await _rig.Http.SendAsync(FrontDoorRig.Post(Url, FrontDoorRig.Initialize(), _token), cancellationToken);
        Assert.That(initialized.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return initialized.Headers.GetValues("Mcp-Session-Id").Single();
    }

    private static List<string> Events(string body) =>
        [.. body.Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => l[6..])];
}
