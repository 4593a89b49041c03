namespace McpGateway.Core.Errors;

/// <summary>The outcomes the gateway core produces, allocated once.</summary>
internal static class GatewayErrors
{
    public static readonly GatewayError ParseError = new(GatewayErrorCode.ParseError, "parse_error", "Parse error");
    public static readonly GatewayError InvalidUtf8 = new(GatewayErrorCode.ParseError, "invalid_utf8", "Parse error: the frame is not valid UTF-8");
    public static readonly GatewayError UnpairedSurrogate = new(GatewayErrorCode.ParseError, "unpaired_surrogate", "Parse error: a string escapes an unpaired surrogate");
    public static readonly GatewayError TooDeep = new(GatewayErrorCode.InvalidRequest, "nesting_too_deep", "Invalid request: nesting exceeds the limit");
    public static readonly GatewayError FrameTooLarge = new(GatewayErrorCode.InvalidRequest, "frame_too_large", "Invalid request: the frame exceeds the size limit");
    public static readonly GatewayError Batch = new(GatewayErrorCode.InvalidRequest, "batch_not_supported", "Invalid request: JSON-RPC batches are not supported");
    public static readonly GatewayError NotAnObject = new(GatewayErrorCode.InvalidRequest, "not_an_object", "Invalid request: a frame must be a JSON object");
    public static readonly GatewayError DuplicateMember = new(GatewayErrorCode.InvalidRequest, "duplicate_member", "Invalid request: an object repeats a member name");
    public static readonly GatewayError MisspelledMember = new(GatewayErrorCode.InvalidRequest, "misspelled_member", "Invalid request: a member of params or result is an MCP member name spelled in another case");
    public static readonly GatewayError NulInMemberName = new(GatewayErrorCode.InvalidRequest, "nul_in_member_name", "Invalid request: a member name contains NUL");
    public static readonly GatewayError UnknownEnvelopeMember = new(GatewayErrorCode.InvalidRequest, "unknown_envelope_member", "Invalid request: unknown envelope member");
    public static readonly GatewayError BadVersion = new(GatewayErrorCode.InvalidRequest, "bad_jsonrpc_version", "Invalid request: jsonrpc must be \"2.0\"");
    public static readonly GatewayError BadId = new(GatewayErrorCode.InvalidRequest, "bad_id", "Invalid request: id must be a string or a safe integer");
    public static readonly GatewayError BadMethod = new(GatewayErrorCode.InvalidRequest, "bad_method", "Invalid request: method must be a string");
    public static readonly GatewayError BadParams = new(GatewayErrorCode.InvalidRequest, "bad_params", "Invalid request: params must be an object or an array");
    public static readonly GatewayError BadShape = new(GatewayErrorCode.InvalidRequest, "bad_shape", "Invalid request: the members do not form a request, notification or response");
    public static readonly GatewayError IdInUse = new(GatewayErrorCode.InvalidRequest, "id_in_use", "Invalid request: the id belongs to a request that is still pending");
    public static readonly GatewayError UnterminatedFrame = new(GatewayErrorCode.InvalidRequest, "unterminated_frame", "Invalid request: the final frame has no newline");
    public static readonly GatewayError MethodNotFound = new(GatewayErrorCode.MethodNotFound, "unknown_method", "Method not found");
    public static readonly GatewayError InvalidProtocolVersion = new(GatewayErrorCode.InvalidParams, "invalid_protocol_version", "Invalid params: _meta claims a protocol version the gateway does not relay");
    public static readonly GatewayError InvalidMethodName = new(GatewayErrorCode.InvalidRequest, "invalid_method_name", "Invalid request: the method name cannot travel in an HTTP header");
    public static readonly GatewayError ToolNameMissing = new(GatewayErrorCode.InvalidParams, "tool_name_missing", "Invalid params: tools/call needs a string name");
    public static readonly GatewayError Unauthenticated = new(GatewayErrorCode.Unauthenticated, "unauthenticated", "Unauthenticated: send mcpgateway/authenticate first");
    public static readonly GatewayError InvalidToken = new(GatewayErrorCode.Unauthenticated, "invalid_token", "Unauthenticated: the token was not accepted");
    public static readonly GatewayError UnknownConnection = new(GatewayErrorCode.Unauthenticated, "unknown_connection", "Unauthenticated: no such connection");
    public static readonly GatewayError ConnectionNotAllowed = new(GatewayErrorCode.Forbidden, "connection_not_allowed", "Forbidden: this identity may not open the connection");
    public static readonly GatewayError AuthenticationTimeout = new(GatewayErrorCode.Unauthenticated, "authentication_timeout", "Unauthenticated: no mcpgateway/authenticate before the deadline");
    public static readonly GatewayError SubjectChanged = new(GatewayErrorCode.Unauthenticated, "subject_changed", "Unauthenticated: a renewal may not change the subject; the connection is closed");
    public static readonly GatewayError TokenExpired = new(GatewayErrorCode.TokenExpired, "token_expired", "Token expired: re-authenticate");
    public static readonly GatewayError UpstreamUnavailable = new(GatewayErrorCode.UpstreamUnavailable, "upstream_unavailable", "Upstream unavailable");
    public static readonly GatewayError UpstreamExited = new(GatewayErrorCode.UpstreamUnavailable, "upstream_exited", "Upstream unavailable: the server went away");
    public static readonly GatewayError UpstreamTimedOut = new(GatewayErrorCode.UpstreamTimedOut, "upstream_timeout", "Upstream timed out");
    public static readonly GatewayError UpstreamProtocolViolation = new(GatewayErrorCode.UpstreamProtocolViolation, "upstream_protocol_violation", "Upstream protocol violation");
    public static readonly GatewayError UpstreamFrameTooLarge = new(GatewayErrorCode.UpstreamProtocolViolation, "upstream_frame_too_large", "Upstream protocol violation: a message exceeds the frame size limit; the upstream was closed");
    public static readonly GatewayError ClientProtocolViolation = new(GatewayErrorCode.InvalidRequest, "client_protocol_violation", "Invalid request: the client's response broke the parsing rule");
    public static readonly GatewayError AuditUnavailable = new(GatewayErrorCode.AuditUnavailable, "audit_unavailable", "Audit store unavailable: the gateway refuses what it cannot record");
    public static readonly GatewayError Overloaded = new(GatewayErrorCode.Overloaded, "too_many_pending", "Overloaded: too many pending requests");
    public static readonly GatewayError ApprovalDenied = new(GatewayErrorCode.ApprovalDenied, "approval_denied", "Approval denied");
    public static readonly GatewayError ApprovalTimedOut = new(GatewayErrorCode.ApprovalTimedOut, "approval_timed_out", "Approval timed out: no decision in time");
    public static readonly GatewayError ApprovalUnavailable = new(GatewayErrorCode.ApprovalTimedOut, "approval_unavailable", "Approval unavailable: the call could not be put before approvers");
    public static readonly GatewayError RequestAsNotification = new(GatewayErrorCode.InvalidRequest, "request_as_notification", "Invalid request: a request method was sent as a notification");
    public static readonly GatewayError ControlCharacterInMethod = new(GatewayErrorCode.InvalidRequest, "control_character_in_method", "Invalid request: the method name contains a control character");
    public static readonly GatewayError ControlCharacterInIdentifier = new(GatewayErrorCode.InvalidParams, "control_character_in_identifier", "Invalid params: a name or URI contains a control character");
    public static readonly GatewayError UnsolicitedResponses = new(GatewayErrorCode.InvalidRequest, "unsolicited_responses", "Invalid request: too many responses to requests the gateway never sent; the connection is closed");
    public static readonly GatewayError NotInitialized = new(GatewayErrorCode.InvalidRequest, "not_initialized", "Invalid request: only ping and the handshake before initialize has succeeded");
    public static readonly GatewayError InspectorFailed = new(GatewayErrorCode.Forbidden, "inspector_failed", "Forbidden: an inspector failed, the frame was withheld");
}
