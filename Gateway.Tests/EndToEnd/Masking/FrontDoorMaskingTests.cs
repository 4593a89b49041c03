using System.Net;
using McpGateway.Inspectors.Masking;
using McpGateway.Tests.EndToEnd.FrontDoor;
using McpGateway.Tests.EndToEnd.Hostile;
using McpGateway.Tests.EndToEnd.Support;

namespace McpGateway.Tests.EndToEnd.Masking;

/// <summary>
/// The same hostile upstream behind the HTTP front door: a session's SSE stream and a stateless (2026-07-28) request's
/// answer carry neither a bare secret result, nor a card as a JSON number, nor a server request whose id is a secret.
/// </summary>
[TestFixture]
internal sealed class FrontDoorMaskingTests
{
    private const string Spy = "spy";
    private const string AccessKey = "AKIAIOSFODNN7EXAMPLE";
    private const string Card = "4111111111111111";
    private const string ServerRequestId = "AKIAI44QH8DHBEXAMPLE";

    private SpyUpstream _spy = null!;
    private FrontDoorRig _rig = null!;
    private string _token = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        _spy = SpyUpstream.Start(SpyBehavior.Scripted(line => line.Method switch
        {
            "tools/call" => [HostileWire.Utf8($$"""{"jsonrpc":"2.0","id":"{{ServerRequestId}}","method":"ping"}"""), line.ResponseWith($"\"{AccessKey}\"")],
            "resources/read" => [line.ResponseWith(Card)],
            _ when line.IsRequest => [line.EchoResponse()],
            _ => [],
        }));
        _rig = await FrontDoorRig.StartAsync(
            settings => settings.WithFeature(MaskingCompiler.Compile(new MaskingOptions(), [])!),
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

    [Test]
    [CancelAfter(15000)]
    public async Task Session_SecretResultAndServerRequestWithSecretId_StreamCarriesOnlyTheMaskedResult(CancellationToken cancellationToken)
    {
        using var initialized = await _rig.Http.SendAsync(FrontDoorRig.Post(_rig.Url(Spy), FrontDoorRig.Initialize(), _token), cancellationToken);
        var session = initialized.Headers.GetValues("Mcp-Session-Id").Single();

        using var answer = await _rig.Http.SendAsync(FrontDoorRig.Post(_rig.Url(Spy), """{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"leak"}}""", _token, session), cancellationToken);
        var body = await answer.Content.ReadAsStringAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(body, Does.Contain("""{"jsonrpc":"2.0","id":7,"result":"[MASKED:aws_access_key:"""));
            Assert.That(body, Does.Not.Contain(AccessKey).And.Not.Contain(ServerRequestId));
        });
    }

    [Test]
    [CancelAfter(15000)]
    public async Task Stateless_CardAsABareNumberResult_AnsweredMasked(CancellationToken cancellationToken)
    {
        using var request = FrontDoorRig.Post(_rig.Url(Spy), """{"jsonrpc":"2.0","id":"r-1","method":"resources/read","params":{"uri":"x://card"}}""", _token);
        request.Headers.Add("MCP-Protocol-Version", "2026-07-28");
        request.Headers.Add("Mcp-Method", "resources/read");
        request.Headers.Add("Mcp-Name", "x://card");

        using var answer = await _rig.Http.SendAsync(request, cancellationToken);
        var body = await answer.Content.ReadAsStringAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
            Assert.That(body, Does.Contain("[MASKED:card:").And.Not.Contain(Card));
        });
    }
}
