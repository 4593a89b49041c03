using System.Buffers;
using System.Text;
using System.Text.Json;
using McpGateway.Core.Chain;
using McpGateway.Core.Framing;

namespace McpGateway.Testing;

/// <summary>
/// Runs one inspector the way the chain calls it, without a gateway: build a frame of any kind (scanned by the
/// gateway's own envelope scanner, so a frame the gateway would refuse cannot be built), pass it in, look at the
/// verdict. <code>
/// var harness = new InspectorHarness(new ToolCallQuotaInspector(new() { MaxCallsPerSession = 1 }));
/// var verdict = await harness.CallToolAsync("echo", """{"message":"hi"}""");
/// Assert.That(verdict.Kind, Is.EqualTo(VerdictKind.Forward));
/// </code>
/// </summary>
public sealed class InspectorHarness
{
    private readonly FrameLimits _limits;
    private long _sequence;
    private long _nextCallId;

    /// <param name="inspector">The inspector under test, created as the gateway would (once, for every session).</param>
    /// <param name="limits">The frame limits the gateway enforces; the default ones when null.</param>
    public InspectorHarness(IFrameInspector inspector, FrameLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(inspector);
        Inspector = inspector;
        _limits = limits ?? FrameLimits.Default;
        Session = NewSession();
    }

    public IFrameInspector Inspector { get; }

    /// <summary>The session frames belong to unless one is given: subject <c>test-user</c> on connection <c>default</c>.</summary>
    public TestSession Session { get; }

    /// <summary>Another session (its own <see cref="IGatewaySession.Items"/>), e.g. to show that state does not leak between sessions.</summary>
    public static TestSession NewSession(string subject = "test-user", IReadOnlyList<string>? groups = null, string connection = "default") =>
        new(TestSession.IdentityOf(subject, groups ?? []), connection);

    /// <summary>A client request, e.g. <c>Request("resources/read", """{"uri":"file:///x"}""")</c>.</summary>
    public McpFrame Request(string method, string? paramsJson = null, long id = 1, TestSession? session = null) =>
        Frame(Message(id, method, paramsJson), FrameDirection.ClientToUpstream, session);

    /// <summary>A client's <c>tools/call</c> of <paramref name="tool"/> with <paramref name="argumentsJson"/>.</summary>
    public McpFrame ToolCall(string tool, string argumentsJson = "{}", long id = 1, TestSession? session = null) =>
        Request(McpMethods.ToolsCall, $$"""{"name":{{JsonSerializer.Serialize(tool)}},"arguments":{{argumentsJson}}}""", id, session);

    /// <summary>A notification in either direction, e.g. <c>notifications/cancelled</c>.</summary>
    public McpFrame Notification(string method, string? paramsJson = null, FrameDirection direction = FrameDirection.ClientToUpstream, TestSession? session = null) =>
        Frame(Message(null, method, paramsJson), direction, session);

    /// <summary>The upstream's result for request <paramref name="id"/>, which was a <paramref name="requestMethod"/> (of <paramref name="requestToolName"/>).</summary>
    public McpFrame Response(long id, string resultJson, string requestMethod, string? requestToolName = null, TestSession? session = null) =>
        Frame($$"""{"jsonrpc":"2.0","id":{{id}},"result":{{resultJson}}}""", FrameDirection.UpstreamToClient, session, requestMethod, requestToolName);

    /// <summary>The upstream's error for request <paramref name="id"/>.</summary>
    public McpFrame ErrorResponse(long id, int code, string message, string requestMethod, string? requestToolName = null, TestSession? session = null) =>
        Frame($$$"""{"jsonrpc":"2.0","id":{{{id}}},"error":{"code":{{{code}}},"message":{{{JsonSerializer.Serialize(message)}}}}}""", FrameDirection.UpstreamToClient, session, requestMethod, requestToolName);

    /// <summary>A request the upstream sends the client, e.g. <c>sampling/createMessage</c>.</summary>
    public McpFrame ServerRequest(string method, string? paramsJson = null, long id = 1, TestSession? session = null) =>
        Frame(Message(id, method, paramsJson), FrameDirection.UpstreamToClient, session);

    /// <summary>
    /// Any frame, as JSON text without its newline. For a response, <paramref name="requestMethod"/> and
    /// <paramref name="requestToolName"/> are what the gateway remembered of the request it answers.
    /// </summary>
    /// <exception cref="ArgumentException">The gateway would refuse the frame before any inspector saw it.</exception>
    public McpFrame Frame(string json, FrameDirection direction, TestSession? session = null, string? requestMethod = null, string? requestToolName = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        var payload = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(json));
        var error = new EnvelopeScanner(_limits).Scan(payload, out var envelope);
        if (error is not null)
        {
            throw new ArgumentException($"the gateway refuses this frame before any inspector sees it: {error.Reason} ({error.Message})", nameof(json));
        }

        var frame = new McpFrame(session ?? Session, direction, _limits);
        frame.Reset(payload, envelope, requestMethod, requestToolName, Interlocked.Increment(ref _sequence));
        return frame;
    }

    /// <summary>Calls the inspector with <paramref name="frame"/> as the chain would.</summary>
    /// <exception cref="InvalidOperationException">The inspector does not inspect the frame's direction, so the chain would never call it.</exception>
    public ValueTask<Verdict> InspectAsync(McpFrame frame, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (!Inspector.Directions.Includes(frame.Direction))
        {
            throw new InvalidOperationException($"inspector '{Inspector.Name}' inspects {Inspector.Directions}, not {frame.Direction}: the chain would not call it for this frame");
        }

        return Inspector.InspectAsync(frame, cancellationToken);
    }

    /// <summary>A client's <c>tools/call</c>, inspected.</summary>
    public ValueTask<Verdict> CallToolAsync(string tool, string argumentsJson = "{}", TestSession? session = null, CancellationToken cancellationToken = default) =>
        InspectAsync(ToolCall(tool, argumentsJson, Interlocked.Increment(ref _nextCallId), session), cancellationToken);

    private static string Message(long? id, string method, string? paramsJson)
    {
        var builder = new StringBuilder("""{"jsonrpc":"2.0",""");
        if (id is { } value)
        {
            builder.Append("\"id\":").Append(value).Append(',');
        }

        builder.Append("\"method\":").Append(JsonSerializer.Serialize(method));
        if (paramsJson is not null)
        {
            builder.Append(",\"params\":").Append(paramsJson);
        }

        return builder.Append('}').ToString();
    }
}
