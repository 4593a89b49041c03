using System.IO.Pipelines;
using McpGateway.Core.Errors;
using McpGateway.Core.Messaging;

namespace McpGateway.Core.Upstreams;

/// <summary>An open byte stream to one upstream MCP server, owned by one session.</summary>
internal interface IUpstreamChannel : IAsyncDisposable
{
    PipeReader Input { get; }

    PipeWriter Output { get; }

    /// <summary>What was connected to, for logs (never a secret).</summary>
    string Description { get; }

    /// <summary>
    /// Why the channel ended its input, when it ended it on purpose (an upstream message over the frame limit); null when
    /// the upstream simply went away. The session gives this error to the calls still pending and ends with its reason.
    /// </summary>
    GatewayError? EndError => null;

    /// <summary>
    /// Non-null for a channel that talks to the session core in messages (see <see cref="Messaging.IMessageChannel"/>):
    /// the core then uses neither <see cref="Input"/> nor <see cref="Output"/>. Null (the default): NDJSON over the
    /// pipes, through the one NDJSON pump that TCP and stdio share.
    /// </summary>
    Messaging.IMessageChannel? Messages => null;
}
