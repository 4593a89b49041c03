using System.IO.Pipelines;

namespace McpGateway.Core.Upstreams;

/// <summary>An open byte stream to one upstream MCP server, owned by one session.</summary>
internal interface IUpstreamChannel : IAsyncDisposable
{
    PipeReader Input { get; }

    PipeWriter Output { get; }

    /// <summary>What was connected to, for logs (never a secret).</summary>
    string Description { get; }
}
