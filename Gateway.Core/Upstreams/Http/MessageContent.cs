using System.Net;
using System.Net.Http.Headers;

namespace McpGateway.Core.Upstreams.Http;

/// <summary>
/// One JSON-RPC message as a POST body that knows whether it began to leave: until then a failed attempt cannot have
/// reached the server and may be retried. <see cref="Sent"/> completes once the body is written, so the next message is
/// posted only after this one is on the wire (the server sees messages in the order the client sent them).
/// </summary>
internal sealed class MessageContent : HttpContent
{
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    private readonly byte[] _body;
    private readonly TaskCompletionSource _sent;

    public MessageContent(byte[] body, TaskCompletionSource sent)
    {
        _body = body;
        _sent = sent;
        Headers.ContentType = Json;
    }

    /// <summary>True once the handler began writing the body: the server may have received it.</summary>
    public bool Started { get; private set; }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        Started = true;
        await stream.WriteAsync(_body, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        _sent.TrySetResult();
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _body.Length;
        return true;
    }
}
