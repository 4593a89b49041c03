using McpGateway.Core.Errors;

namespace McpGateway.Inspectors.External;

/// <summary>What the client gets when an out-of-process inspector refuses a frame or fails on it (failing closed): -31003, the inspector as rule.</summary>
internal static class ExternalInspectorErrors
{
    public static readonly GatewayError Refused = new(GatewayErrorCode.Forbidden, "refused", "Forbidden: an inspector refused the message");

    public static readonly GatewayError Unavailable = new(GatewayErrorCode.Forbidden, "inspector_unavailable", "Forbidden: an inspector is unavailable, the message was withheld");

    public static readonly GatewayError Timeout = new(GatewayErrorCode.Forbidden, "inspector_timeout", "Forbidden: an inspector did not decide in time, the message was withheld");

    public static readonly GatewayError Busy = new(GatewayErrorCode.Forbidden, "inspector_busy", "Forbidden: an inspector had no free slot in time, the message was withheld");

    public static readonly GatewayError ProtocolError = new(GatewayErrorCode.Forbidden, "inspector_protocol_error", "Forbidden: an inspector answered with no usable verdict, the message was withheld");

    public static readonly GatewayError ApprovalRequired = new(GatewayErrorCode.Forbidden, "approval_required", "Forbidden: this call needs an approval, which cannot be asked for here");

    public static GatewayError For(InspectorFailure failure) => failure switch
    {
        InspectorFailure.Timeout => Timeout,
        InspectorFailure.Busy => Busy,
        InspectorFailure.ProtocolError => ProtocolError,
        _ => Unavailable,
    };
}
