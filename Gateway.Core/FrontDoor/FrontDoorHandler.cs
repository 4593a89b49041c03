using System.Buffers;
using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using System.Text.Json;
using McpGateway.Core.Configuration;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace McpGateway.Core.FrontDoor;

/// <summary>
/// The front door's HTTP surface: <c>/mcp/{connection}</c> (and <c>/mcp</c> when there is one connection) as a
/// Streamable HTTP MCP endpoint, and the OAuth Protected Resource Metadata (RFC 9728) that names the identity provider.
/// Everything a message is subject to happens in the gateway session behind it; this class only speaks HTTP.
/// </summary>
internal sealed partial class FrontDoorHandler : IDisposable
{
    public const string McpPath = "/mcp";
    public const string MetadataPath = "/.well-known/oauth-protected-resource";
    public const string SessionHeader = "Mcp-Session-Id";
    public const string ProtocolVersionHeader = "MCP-Protocol-Version";
    public const string MethodHeader = "Mcp-Method";
    public const string NameHeader = "Mcp-Name";

    /// <summary>SEP-2243 (2026-07-28): the mirrored headers disagree with the body, or a required one is missing.</summary>
    public const int HeaderMismatchCode = -32020;

    private const string DevelopmentToken = "anonymous";

    private static readonly byte[] _eventPrefix = "event: message\ndata: "u8.ToArray();
    private static readonly byte[] _eventSuffix = "\n\n"u8.ToArray();
    private static readonly SearchValues<char> _reasonChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789_");

    private readonly FrontDoorSessions _sessions;
    private readonly GatewaySettings _settings;
    private readonly FrontDoorSettings _frontDoor;
    private readonly ILogger _logger;
    private readonly FrozenSet<string> _allowedHosts;
    private readonly ThreadLocal<EnvelopeScanner> _scanner;

    public FrontDoorHandler(FrontDoorSessions sessions, GatewaySettings settings, ILoggerFactory loggerFactory)
    {
        _sessions = sessions;
        _settings = settings;
        _frontDoor = settings.FrontDoor ?? throw new InvalidOperationException("The configuration has no http section.");
        _logger = loggerFactory.CreateLogger("McpGateway.FrontDoor");
        _allowedHosts = FrontDoorHosts.Allowed(_frontDoor);
        _scanner = new ThreadLocal<EnvelopeScanner>(() => new EnvelopeScanner(settings.ClientLimits));
    }

    public void Dispose() => _scanner.Dispose();

    public Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        if (!_allowedHosts.Contains(FrontDoorHosts.Normalize(context.Request.Host.Host) ?? ""))
        {
            // DNS rebinding: a page on a name that resolves to this address must not reach the gateway as itself.
            FrontDoorLog.ForeignHost(_logger, context.Request.Host.Host);
            return RefuseAsync(context, HostNotAllowed, path);
        }

        if (path.StartsWith(MetadataPath, StringComparison.Ordinal))
        {
            return MetadataAsync(context, path[MetadataPath.Length..]);
        }

        if (!TryConnection(path, out var connection))
        {
            return RefuseAsync(context, FrontDoorRefusal.Create(StatusCodes.Status404NotFound, (int)GatewayErrorCode.InvalidRequest, "not_found", "Not found: MCP is served at /mcp/{connection}"), path);
        }

        var origin = context.Request.Headers.Origin;
        var allowedOrigin = origin.Count > 0 ? AllowedOrigin(origin) : null;
        if (origin.Count > 0 && allowedOrigin is null)
        {
            FrontDoorLog.ForeignOrigin(_logger, origin.ToString());
            return RefuseAsync(context, FrontDoorRefusal.Create(StatusCodes.Status403Forbidden, (int)GatewayErrorCode.Forbidden, "origin_not_allowed", "Forbidden: the request's Origin is not allowed"), path);
        }

        if (allowedOrigin is not null)
        {
            // An allowed browser origin: CORS, so that a web client can read the session id and the challenge. The
            // header names the configured origin, never the client's bytes.
            var headers = context.Response.Headers;
            headers.AccessControlAllowOrigin = allowedOrigin;
            headers.Vary = "Origin";
            headers.AccessControlExposeHeaders = "Mcp-Session-Id, WWW-Authenticate";
        }

        return context.Request.Method switch
        {
            "OPTIONS" => PreflightAsync(context),
            "POST" => PostAsync(context, connection, path),
            "GET" => GetAsync(context, connection, path),
            "DELETE" => DeleteAsync(context, connection, path),
            _ => MethodNotAllowedAsync(context, path, "GET, POST, DELETE, OPTIONS"),
        };
    }

    private async Task PostAsync(HttpContext context, string connection, string path)
    {
        var request = context.Request;
        if (!IsJsonContent(request.ContentType))
        {
            await RefuseAsync(context, FrontDoorRefusal.Create(StatusCodes.Status415UnsupportedMediaType, (int)GatewayErrorCode.InvalidRequest, "unsupported_media_type", "Unsupported media type: POST application/json"), path).ConfigureAwait(false);
            return;
        }

        var (json, stream) = Accepts(request.Headers.Accept);
        if (!json || !stream)
        {
            await RefuseAsync(context, FrontDoorRefusal.Create(StatusCodes.Status406NotAcceptable, (int)GatewayErrorCode.InvalidRequest, "not_acceptable", "Not acceptable: the client must accept application/json and text/event-stream"), path).ConfigureAwait(false);
            return;
        }

        var version = request.Headers[ProtocolVersionHeader];
        if (version.Count > 0 && (version.Count > 1 || !McpProtocolVersions.IsKnown(version[0])))
        {
            await RefuseAsync(context, FrontDoorRefusal.Create(StatusCodes.Status400BadRequest, (int)GatewayErrorCode.InvalidRequest, "unsupported_protocol_version", "Bad request: unsupported MCP-Protocol-Version"), path).ConfigureAwait(false);
            return;
        }

        var token = BearerToken(context, out var tokenRefusal);
        if (token is null)
        {
            await RefuseAsync(context, tokenRefusal!, path).ConfigureAwait(false);
            return;
        }

        var body = await ReadBodyAsync(context).ConfigureAwait(false);
        if (body is null)
        {
            await RefuseAsync(context, FrontDoorRefusal.Create(StatusCodes.Status413PayloadTooLarge, GatewayErrors.FrameTooLarge), path).ConfigureAwait(false);
            return;
        }

        var invalid = _scanner.Value!.Scan(new ReadOnlySequence<byte>(body), out var envelope);
        if (body.AsSpan().IndexOfAny((byte)'\n', (byte)'\r') >= 0)
        {
            if (invalid is not null)
            {
                // Line breaks in a message that breaks the parsing rule cannot be told from frame boundaries: refused here.
                await RefuseAsync(context, FrontDoorRefusal.Create(StatusCodes.Status400BadRequest, invalid), path).ConfigureAwait(false);
                return;
            }

            // In a valid JSON text a line break can only be whitespace between tokens.
            body.AsSpan().Replace((byte)'\n', (byte)' ');
            body.AsSpan().Replace((byte)'\r', (byte)' ');
        }

        var facts = invalid is null && envelope.Kind == MessageKind.Request ? RequestFacts.Of(envelope, body) : default;
        if (invalid is null && envelope.Kind is MessageKind.Request or MessageKind.Notification
            && MirrorMismatch(request.Headers, envelope, facts, version.Count > 0 && version[0] == McpProtocolVersions.Stateless) is { } mismatch)
        {
            await RefuseAsync(context, FrontDoorRefusal.Create(StatusCodes.Status400BadRequest, HeaderMismatchCode, "header_mismatch", mismatch), path).ConfigureAwait(false);
            return;
        }

        var cancellationToken = context.RequestAborted;
        var (session, refusal) = await SessionForPostAsync(context, connection, token, invalid is null && envelope.Kind == MessageKind.Request && envelope.Method == McpMethods.Initialize).ConfigureAwait(false);
        if (session is null)
        {
            await RefuseAsync(context, refusal!, path).ConfigureAwait(false);
            return;
        }

        if (!session.Stateless)
        {
            context.Response.Headers[SessionHeader] = session.Id;
        }

        if (session.Stateless && invalid is null && envelope.Method == McpMethods.NotificationsCancelled && envelope.CancelledRequestId.IsValue)
        {
            if (session.FindRenumbered(envelope.CancelledRequestId) is not { } cancelled)
            {
                // No one request of this client's is known by that id (none, or several clients used it): relayed as it
                // is, it would name the front door's own number of someone else's request. Accepted and dropped.
                FrontDoorLog.CancellationDropped(_logger, session.Id);
                context.Response.StatusCode = StatusCodes.Status202Accepted;
                return;
            }

            // The shared session knows the request by the front door's number, not by the client's id.
            // The splice moved what follows the id: the new bytes are scanned once more (stateless cancellations only).
            var renumbered = JsonRpcIdSplice.Replace(body, envelope.CancelledRequestIdValue, Encoding.ASCII.GetBytes(cancelled.Id.Number.ToString(CultureInfo.InvariantCulture)));
            context.Response.StatusCode = await session.WriteOwnFrameAsync(renumbered, cancellationToken).ConfigureAwait(false)
                ? StatusCodes.Status202Accepted
                : StatusCodes.Status404NotFound;
            return;
        }

        if (invalid is null && envelope.Kind != MessageKind.Request)
        {
            // Notifications and responses to server requests: accepted once handled; nothing comes back for them.
            context.Response.StatusCode = await session.DeliverAsync(body, envelope, invalid, cancellationToken).ConfigureAwait(false)
                ? StatusCodes.Status202Accepted
                : StatusCodes.Status404NotFound;
            return;
        }

        var id = envelope.Id.IsValue ? envelope.Id : JsonRpcId.None;
        byte[]? clientId = null;
        byte[]? frame = null;
        if (session.Stateless && invalid is null)
        {
            // Stateless requests of several clients share the session: each gets an id of the front door's own.
            var number = session.NextRequestNumber();
            frame = JsonRpcIdSplice.Replace(body, envelope.IdValue, Encoding.ASCII.GetBytes(number.ToString(CultureInfo.InvariantCulture)));
            clientId = envelope.IdValue.RawIn(body).ToArray();
            id = JsonRpcId.FromNumber(number);
        }

        var exchange = session.NewExchange(id, envelope.Method, facts.ProgressToken, acceptsStream: true, clientId, clientId is null ? default : envelope.Id);
        if (!session.TryBegin(exchange))
        {
            await RefuseAsync(context, FrontDoorRefusal.Create(StatusCodes.Status409Conflict, GatewayErrors.IdInUse), path).ConfigureAwait(false);
            return;
        }

        var delivered = frame is null
            ? await session.DeliverAsync(body, envelope, invalid, cancellationToken).ConfigureAwait(false)
            : await session.WriteOwnFrameAsync(frame, cancellationToken).ConfigureAwait(false);
        if (!delivered)
        {
            session.Abandon(exchange);
            await RefuseAsync(context, SessionEnded, path).ConfigureAwait(false);
            return;
        }

        await AnswerAsync(context, session, exchange, invalid is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest).ConfigureAwait(false);
    }

    private async Task<(FrontDoorSession? Session, FrontDoorRefusal? Refusal)> SessionForPostAsync(HttpContext context, string connection, string token, bool initialize)
    {
        var remote = RemoteAddress(context);
        var sessionId = context.Request.Headers[SessionHeader];
        if (sessionId.Count > 0)
        {
            return await ExistingSessionAsync(context, connection, token).ConfigureAwait(false);
        }

        if (initialize)
        {
            return await _sessions.StartAsync(connection, Resource(context), token, remote, context.RequestAborted).ConfigureAwait(false);
        }

        var (session, refusal) = await _sessions.GetStatelessAsync(connection, Resource(context), token, remote).ConfigureAwait(false);
        if (session is not null && await session.AuthorizeAsync(token, context.RequestAborted).ConfigureAwait(false) is { } expired)
        {
            return (null, expired);
        }

        return (session, refusal);
    }

    private async Task<(FrontDoorSession? Session, FrontDoorRefusal? Refusal)> ExistingSessionAsync(HttpContext context, string connection, string token)
    {
        var sessionId = context.Request.Headers[SessionHeader];
        if (sessionId.Count != 1 || !_sessions.TryGet(sessionId[0]!, out var session) || session.Stateless
            || !string.Equals(session.ConnectionName, connection, StringComparison.Ordinal))
        {
            return (null, SessionNotFound);
        }

        var refusal = await session.AuthorizeAsync(token, context.RequestAborted).ConfigureAwait(false);
        return refusal is null ? (session, null) : (null, refusal);
    }

    /// <summary>
    /// The response alone as JSON; or, when messages precede it (progress, server requests), an SSE stream that
    /// carries them and ends with the response.
    /// </summary>
    private async Task AnswerAsync(HttpContext context, FrontDoorSession session, FrontDoorExchange exchange, int status)
    {
        var cancellationToken = context.RequestAborted;
        var messages = exchange.Messages;
        try
        {
            if (!await messages.WaitToReadAsync(cancellationToken).ConfigureAwait(false) || !messages.TryRead(out var first))
            {
                await RefuseAsync(context, SessionEnded, context.Request.Path).ConfigureAwait(false);
                return;
            }

            var response = context.Response;
            if (ReferenceEquals(first, exchange.Final))
            {
                var final = first;
                if (exchange.Method == McpMethods.Initialize && !session.Stateless && UpstreamStartFailure.Is(exchange.FinalError))
                {
                    response.Headers.Remove(SessionHeader);
                    await session.CloseAsync().ConfigureAwait(false);
                    status = StatusCodes.Status502BadGateway;
                }

                response.StatusCode = status;
                response.ContentType = "application/json";
                response.ContentLength = final.Length;
                await response.Body.WriteAsync(final, cancellationToken).ConfigureAwait(false);
                return;
            }

            StartEventStream(context);
            await WriteEventAsync(response, first, cancellationToken).ConfigureAwait(false);
            while (await messages.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (messages.TryRead(out var message))
                {
                    await WriteEventAsync(response, message, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client closed the POST before its answer. The front door resumes no stream, so the answer could never
            // reach it: the request is cancelled as if the client had said so (a held call is withdrawn, not approved
            // into the void), through the chain and on the record. MCP never cancels initialize. The id stays taken
            // until the cancellation is written, so that a request reusing it cannot get this one's answer.
            if (exchange.Id.IsValue && !exchange.IsDone && exchange.Method != McpMethods.Initialize)
            {
                await session.WriteOwnFrameAsync(Cancelled(exchange.Id), CancellationToken.None).ConfigureAwait(false);
            }

            session.Abandon(exchange);
        }
    }

    /// <summary><c>notifications/cancelled</c> for <paramref name="id"/>, as a client sends it when it gives up on a request.</summary>
    private static ReadOnlyMemory<byte> Cancelled(JsonRpcId id) =>
        Sessions.CancellationFrame.Build(id, "the HTTP client closed the request before its answer");

    private async Task GetAsync(HttpContext context, string connection, string path)
    {
        if (!Accepts(context.Request.Headers.Accept).Stream)
        {
            await RefuseAsync(context, FrontDoorRefusal.Create(StatusCodes.Status406NotAcceptable, (int)GatewayErrorCode.InvalidRequest, "not_acceptable", "Not acceptable: GET opens a text/event-stream"), path).ConfigureAwait(false);
            return;
        }

        var token = BearerToken(context, out var tokenRefusal);
        if (token is null)
        {
            await RefuseAsync(context, tokenRefusal!, path).ConfigureAwait(false);
            return;
        }

        if (context.Request.Headers[SessionHeader].Count == 0)
        {
            // Stateless (2026-07-28) clients have no session stream.
            await MethodNotAllowedAsync(context, path, "POST").ConfigureAwait(false);
            return;
        }

        var (session, refusal) = await ExistingSessionAsync(context, connection, token).ConfigureAwait(false);
        if (session is null)
        {
            await RefuseAsync(context, refusal!, path).ConfigureAwait(false);
            return;
        }

        var stream = session.OpenServerStream();
        var cancellationToken = context.RequestAborted;
        try
        {
            context.Response.Headers[SessionHeader] = session.Id;
            StartEventStream(context);
            await context.Response.StartAsync(cancellationToken).ConfigureAwait(false);
            await context.Response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
            var messages = stream.Messages;
            while (await messages.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (messages.TryRead(out var message))
                {
                    await WriteEventAsync(context.Response, message, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client closed the stream.
        }
        finally
        {
            session.CloseServerStream(stream);
        }
    }

    private async Task DeleteAsync(HttpContext context, string connection, string path)
    {
        var token = BearerToken(context, out var tokenRefusal);
        if (token is null)
        {
            await RefuseAsync(context, tokenRefusal!, path).ConfigureAwait(false);
            return;
        }

        if (context.Request.Headers[SessionHeader].Count == 0)
        {
            await RefuseAsync(context, FrontDoorRefusal.Create(StatusCodes.Status400BadRequest, (int)GatewayErrorCode.InvalidRequest, "session_id_missing", "Bad request: DELETE names the session in Mcp-Session-Id"), path).ConfigureAwait(false);
            return;
        }

        var (session, refusal) = await ExistingSessionAsync(context, connection, token).ConfigureAwait(false);
        if (session is null)
        {
            await RefuseAsync(context, refusal!, path).ConfigureAwait(false);
            return;
        }

        // Ends the gateway session as a closing TCP client would; its upstream is closed before the answer.
        await session.CloseAsync().ConfigureAwait(false);
        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    private async Task MetadataAsync(HttpContext context, string resourcePath)
    {
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            await MethodNotAllowedAsync(context, context.Request.Path, "GET").ConfigureAwait(false);
            return;
        }

        if (_settings.Oidc is not { } oidc || (resourcePath.Length > 1 && !TryConnection(resourcePath, out _)))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("resource", PublicBase(context) + (resourcePath == "/" ? "" : resourcePath));
            json.WriteStartArray("authorization_servers");
            json.WriteStringValue(oidc.Issuer);
            json.WriteEndArray();
            json.WriteStartArray("bearer_methods_supported");
            json.WriteStringValue("header");
            json.WriteEndArray();
            if (_frontDoor.Scopes.Count > 0)
            {
                json.WriteStartArray("scopes_supported");
                foreach (var scope in _frontDoor.Scopes)
                {
                    json.WriteStringValue(scope);
                }

                json.WriteEndArray();
            }

            json.WriteString("resource_name", "McpGateway");
            json.WriteEndObject();
        }

        // Public metadata: browser-based clients may read it from any origin.
        context.Response.Headers.AccessControlAllowOrigin = "*";
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary><c>/mcp/{connection}</c>, or <c>/mcp</c> when the gateway has exactly one connection; false for anything else.</summary>
    private bool TryConnection(string path, out string connection)
    {
        connection = "";
        if (path == McpPath || path == McpPath + "/")
        {
            connection = _settings.SoleConnection?.Name ?? "";
            return connection.Length > 0;
        }

        if (!path.StartsWith(McpPath + "/", StringComparison.Ordinal))
        {
            return false;
        }

        var name = path[(McpPath.Length + 1)..];
        if (name.Length == 0 || name.Contains('/', StringComparison.Ordinal) || !_settings.Connections.ContainsKey(name))
        {
            return false;
        }

        connection = name;
        return true;
    }

    /// <summary>The configured origin the request's single <c>Origin</c> names, or null.</summary>
    private string? AllowedOrigin(StringValues origin) =>
        origin.Count == 1 && FrontDoorSettingsLoader.NormalizeOrigin(origin[0]) is { } normalized && _frontDoor.AllowedOrigins.TryGetValue(normalized, out var allowed)
            ? allowed
            : null;

    /// <summary>
    /// The resource URL of the request's connection, as <see cref="MetadataAsync"/> names it for the same path; null
    /// (the configured audiences alone) when, without <c>http.publicUrl</c>, <c>Host</c> names another port than the
    /// one the request reached: the host check compares no ports, and a token for a service at that port of the same
    /// host is no token for this gateway.
    /// </summary>
    private string? Resource(HttpContext context) =>
        _frontDoor.PublicUrl is not null || (context.Request.Host.Port ?? (context.Request.IsHttps ? 443 : 80)) == context.Connection.LocalPort
            ? PublicBase(context) + (context.Request.Path.Value ?? "").TrimEnd('/')
            : null;

    private string PublicBase(HttpContext context) =>
        _frontDoor.PublicUrl ?? string.Create(CultureInfo.InvariantCulture, $"{context.Request.Scheme}://{context.Request.Host.Value}");

    private static string? RemoteAddress(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } address
            ? string.Create(CultureInfo.InvariantCulture, $"{address}:{context.Connection.RemotePort}")
            : null;

    private static FrontDoorRefusal SessionNotFound => FrontDoorRefusal.SessionNotFound;

    private static FrontDoorRefusal HostNotAllowed { get; } = FrontDoorRefusal.Create(StatusCodes.Status403Forbidden, (int)GatewayErrorCode.Forbidden, "host_not_allowed", "Forbidden: the request's Host is not one this gateway serves");

    private static FrontDoorRefusal SessionEnded { get; } = FrontDoorRefusal.Create(StatusCodes.Status404NotFound, (int)GatewayErrorCode.InvalidRequest, "session_closed", "Not found: the session has ended; start a new one with initialize");
}
