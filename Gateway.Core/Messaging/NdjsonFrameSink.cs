using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;

namespace McpGateway.Core.Messaging;

/// <summary>A side spoken to in NDJSON over a <see cref="PipeWriter"/> (a TCP or stdio peer): one line per message, no copy beyond the pipe's.</summary>
internal sealed class NdjsonFrameSink(PipeWriter output) : FrameSink
{
    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true };

    private Utf8JsonWriter? _json;

    public override void WriteFrame(in ReadOnlySequence<byte> payload, in FrameEnvelope envelope)
    {
        if (payload.IsSingleSegment)
        {
            WriteLine(payload.FirstSpan);
            return;
        }

        var length = checked((int)payload.Length);
        var span = output.GetSpan(length + 1);
        payload.CopyTo(span);
        span[length] = (byte)'\n';
        output.Advance(length + 1);
    }

    public override void WriteError(JsonRpcId id, GatewayError error, string correlationId, JsonRpcId rpcId = default)
    {
        var json = Json();
        WriteErrorJson(json, id, error, correlationId, rpcId);
        EndLine(json);
    }

    public override void WriteResult(JsonRpcId id, ReadOnlySpan<byte> resultJson)
    {
        var json = Json();
        WriteResultJson(json, id, resultJson);
        EndLine(json);
    }

    protected override async ValueTask<bool> FlushCoreAsync(CancellationToken cancellationToken)
    {
        var result = await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        return !(result.IsCompleted || result.IsCanceled);
    }

    protected override ValueTask CompleteCoreAsync() => output.CompleteAsync();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _json?.Dispose();
        }

        base.Dispose(disposing);
    }

    private void WriteLine(ReadOnlySpan<byte> payload)
    {
        var span = output.GetSpan(payload.Length + 1);
        payload.CopyTo(span);
        span[payload.Length] = (byte)'\n';
        output.Advance(payload.Length + 1);
    }

    private Utf8JsonWriter Json()
    {
        if (_json is null)
        {
            _json = new Utf8JsonWriter(output, WriterOptions);
        }
        else
        {
            _json.Reset(output);
        }

        return _json;
    }

    private void EndLine(Utf8JsonWriter json)
    {
        json.Flush();
        output.GetSpan(1)[0] = (byte)'\n';
        output.Advance(1);
    }
}
