using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Text.Json;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;

namespace McpGateway.Core.Upstreams.Http;

/// <summary>Reading what comes back: a JSON body within the frame limit, and what an answer says about the call and the session.</summary>
internal sealed partial class HttpUpstreamChannel
{
    /// <summary>Up to this many announced bytes, a JSON body is read into an array of its length at once.</summary>
    private const long ExactReadLimit = 64 * 1024;

    private async Task<byte[]?> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var limit = _client.Limits.MaxFrameBytes;
        if (response.Content.Headers.ContentLength > limit)
        {
            return null;
        }

        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        if (response.Content.Headers.ContentLength is { } length and <= ExactReadLimit)
        {
            // The usual answer is small and says its length: read it into its own array, no buffer in between. A body
            // that ends early is an IOException, as when it is read in chunks. A larger one is read as it arrives, so
            // an upstream that only announces a large body holds no memory it has not sent.
            var exact = new byte[length];
            await stream.ReadExactlyAsync(exact, cancellationToken).ConfigureAwait(false);
            return exact;
        }

        using var body = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (body.Length + read > limit)
                {
                    return null;
                }

                body.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return body.ToArray();
    }

    /// <summary>
    /// The answer an HTTP error carries for <paramref name="id"/>: the body when it is a JSON-RPC error for that id, or
    /// its error object bound to that id when the server could not name it (<c>"id": null</c>); null when the body is no
    /// JSON-RPC error.
    /// </summary>
    private static byte[]? ErrorFor(byte[] body, JsonRpcId id)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.Object
                || !error.TryGetProperty("code", out var code) || code.ValueKind != JsonValueKind.Number)
            {
                return null;
            }

            using var output = new MemoryStream();
            using (var writer = new Utf8JsonWriter(output))
            {
                writer.WriteStartObject();
                writer.WriteString("jsonrpc"u8, "2.0"u8);
                writer.WritePropertyName("id"u8);
                id.WriteValueTo(writer);
                writer.WritePropertyName("error"u8);
                error.WriteTo(writer);
                writer.WriteEndObject();
            }

            return output.ToArray();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool IsJsonObject(byte[] line)
    {
        var first = line.AsSpan().TrimStart(" \t"u8);
        return !first.IsEmpty && first[0] == (byte)'{';
    }
}
