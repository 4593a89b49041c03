namespace McpGateway.Core.Framing;

/// <summary>The JSON-RPC shape of a frame, decided by which envelope members it carries.</summary>
public enum MessageKind : byte
{
    /// <summary><c>method</c> and <c>id</c>.</summary>
    Request,

    /// <summary><c>method</c> without <c>id</c>.</summary>
    Notification,

    /// <summary><c>result</c> and <c>id</c>.</summary>
    Response,

    /// <summary><c>error</c> and <c>id</c> (which may be <c>null</c>).</summary>
    ErrorResponse,
}
