using System.Text;
using McpGateway.Core.Configuration;
using McpGateway.Inspectors.Masking;
using McpGateway.Tests.EndToEnd.Hostile;
using McpGateway.Tests.EndToEnd.Support;
using static McpGateway.Tests.EndToEnd.Hostile.HostileWire;

namespace McpGateway.Tests.EndToEnd.Masking;

/// <summary>
/// A hostile upstream puts secrets where masking used to look away: a result that is itself a string or a number, a
/// card in full-width or Arabic-Indic digits, a card as a JSON number, and the id of a request it sends to the client.
/// Through the real listener with recording on, neither the client nor the bytes of the audit store get a clear value;
/// the request with the secret id goes back to the upstream as an error instead.
/// </summary>
[TestFixture]
internal sealed class HostileMaskingTests
{
    private const string AccessKey = "AKIAIOSFODNN7EXAMPLE";
    private const string Card = "4111111111111111";
    private const string ServerRequestId = "AKIAI44QH8DHBEXAMPLE";

    private static readonly string FullWidthCard = string.Concat(Card.Select(c => (char)(c + 0xFEE0)));
    private static readonly string ArabicCard = "٤١١١ ١١١١ ١١١١ ١١١١";

    private string _directory = null!;

    [SetUp]
    public void SetUp() => _directory = Directory.CreateTempSubdirectory("mcpgw-hostile-masking-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    private static IEnumerable<byte[]> Script(SpyLine line) => line.Method switch
    {
        "initialize" => [line.ResponseWith("""{"protocolVersion":"2025-06-18","capabilities":{"tools":{}},"serverInfo":{"name":"spy","version":"1.0"}}""")],
        "tools/call" => [Utf8($$"""{"jsonrpc":"2.0","id":"{{ServerRequestId}}","method":"ping"}"""), line.ResponseWith($"\"{AccessKey}\"")],
        "resources/read" => [line.ResponseWith(Card)],
        "prompts/get" => [line.ResponseWith($$$"""{"messages":[{"role":"user","content":{"type":"text","text":"card {{{FullWidthCard}}} and {{{ArabicCard}}}"}}],"n":-{{{Card}}}}""")],
        "ping" => [line.EchoResponse()],
        _ => [],
    };

    [Test]
    [CancelAfter(30_000)]
    public async Task HostileUpstream_SecretsInBareResultsNumbersOtherDigitsAndServerRequestIds_NeitherClientNorAuditStoreSeesThem(CancellationToken cancellationToken)
    {
        await using var spy = SpyUpstream.Start(SpyBehavior.Scripted(Script));
        var audit = Path.Combine(_directory, "audit.db");
        var settings = GatewayHarness.Settings(GatewayHarness.Tcp("spy", spy.Port)) with
        {
            Features = FeatureSettings.Of(MaskingCompiler.Compile(new MaskingOptions(), [])!),
            Audit = new AuditSettings(audit, AuditSettings.DefaultQueueCapacity, AuditSettings.DefaultEnqueueTimeout),
        };
        var seen = new StringBuilder();
        SpyLine refusal;
        await using (var gateway = await GatewayHarness.StartAsync(settings, cancellationToken))
        {
            await using var client = await gateway.ConnectAsync(null, cancellationToken);
            await client.InitializeAsync(cancellationToken);

            await client.SendAsync("""{"jsonrpc":"2.0","id":"call","method":"tools/call","params":{"name":"leak","arguments":{}}}""", cancellationToken);
            seen.AppendLine(await client.ReadLineAsync(cancellationToken));
            foreach (var (id, method) in new[] { ("read", "resources/read"), ("prompt", "prompts/get") })
            {
                seen.AppendLine((await client.RequestAsync(id, method, new() { ["uri"] = "x://y", ["name"] = "p" }, cancellationToken)).ToJsonString());
            }

            var upstream = await spy.WaitForConnectionAsync(0, cancellationToken);
            refusal = await upstream.WaitForLineAsync(l => l.RawId == $"\"{ServerRequestId}\"" && l.Method is null, cancellationToken);
            seen.AppendLine((await client.RequestAsync("after", "ping", null, cancellationToken)).ToJsonString());
        }

        var output = seen.ToString();
        Assert.Multiple(() =>
        {
            Assert.That(output, Does.Contain("[MASKED:aws_access_key:").And.Contain("[MASKED:card:"));
            Assert.That(output, Does.Not.Contain(ServerRequestId), "the server request never reaches the client");
            Assert.That(Leaks(Encoding.UTF8.GetBytes(output)), Is.Empty, "client output");
            Assert.That(refusal.Text, Does.Contain("secret_in_envelope"), "the upstream hears why its request was refused");
        });

        var store = Directory.GetFiles(_directory, "audit.db*").SelectMany(File.ReadAllBytes).ToArray();
        Assert.That(store.AsSpan().IndexOf("[MASKED:aws_access_key:"u8), Is.GreaterThanOrEqualTo(0), "the store holds the masked payloads and ids");
        Assert.That(Leaks(store).Concat(store.AsSpan().IndexOf(Encoding.UTF8.GetBytes(ServerRequestId)) >= 0 ? [ServerRequestId] : []), Is.Empty, "audit store bytes");
    }

    /// <summary>Each planted value whose bytes (as they are, or JSON-escaped) occur in <paramref name="bytes"/>.</summary>
    private static List<string> Leaks(byte[] bytes) =>
        new[] { AccessKey, Card, FullWidthCard, ArabicCard }
            .Where(s => bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(s)) >= 0
                || bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(string.Concat(s.Select(c => c > 127 ? $"\\u{(int)c:X4}" : c.ToString())))) >= 0
                || bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(string.Concat(s.Select(c => c > 127 ? $"\\u{(int)c:x4}" : c.ToString())))) >= 0)
            .ToList();
}
