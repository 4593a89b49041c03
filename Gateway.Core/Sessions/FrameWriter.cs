using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;

namespace McpGateway.Core.Sessions;

/// <summary>
/// The outbound side of one peer. A PipeWriter has a single writer, and two pumps (plus held frames) write
/// to each peer, so writes and the flush that ends a batch happen under one async lock. A pump takes the lock
/// once per read batch, not per frame.
/// </summary>
internal sealed class FrameWriter : IDisposable
{
    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true };

    private readonly PipeWriter _output;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private Utf8JsonWriter? _json;

    public FrameWriter(PipeWriter output) => _output = output;

    /// <summary>True once the peer stopped reading or the pipe was completed.</summary>
    public bool IsClosed { get; private set; }

    public Task EnterAsync(CancellationToken cancellationToken) => _lock.WaitAsync(cancellationToken);

    public void Exit() => _lock.Release();

    /// <summary>Copies one frame and its newline. Caller holds the lock.</summary>
    public void WriteFrame(in ReadOnlySequence<byte> payload)
    {
        if (payload.IsSingleSegment)
        {
            WriteLine(payload.FirstSpan);
            return;
        }

        var length = checked((int)payload.Length);
        var span = _output.GetSpan(length + 1);
        payload.CopyTo(span);
        span[length] = (byte)'\n';
        _output.Advance(length + 1);
    }

    private void WriteLine(ReadOnlySpan<byte> payload)
    {
        var span = _output.GetSpan(payload.Length + 1);
        payload.CopyTo(span);
        span[payload.Length] = (byte)'\n';
        _output.Advance(payload.Length + 1);
    }

    /// <summary>
    /// Writes a gateway error response. Caller holds the lock. <paramref name="rpcId"/>, when set, names in
    /// <c>error.data.rpcId</c> the id of a request answered with <c>"id": null</c> (it reused a pending id).
    /// </summary>
    public void WriteError(JsonRpcId id, GatewayError error, string correlationId, JsonRpcId rpcId = default)
    {
        var json = Json();
        json.WriteStartObject();
        json.WriteString("jsonrpc"u8, "2.0"u8);
        json.WritePropertyName("id"u8);
        id.WriteValueTo(json);
        json.WriteStartObject("error"u8);
        json.WriteNumber("code"u8, (int)error.Code);
        json.WriteString("message"u8, error.Message);
        json.WriteStartObject("data"u8);
        json.WriteString("reason"u8, error.Reason);
        if (error.Rule is not null)
        {
            json.WriteString("rule"u8, error.Rule);
        }

        json.WriteString("correlationId"u8, correlationId);
        if (rpcId.IsValue)
        {
            json.WritePropertyName("rpcId"u8);
            rpcId.WriteValueTo(json);
        }

        if (error.Approver is not null)
        {
            json.WriteString("approver"u8, error.Approver);
        }

        if (error.ApproverReason is not null)
        {
            json.WriteString("approverReason"u8, error.ApproverReason);
        }

        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndObject();
        EndLine(json);
    }

    /// <summary>Writes a response whose result the gateway produced. Caller holds the lock.</summary>
    public void WriteResult(JsonRpcId id, ReadOnlySpan<byte> resultJson)
    {
        var json = Json();
        json.WriteStartObject();
        json.WriteString("jsonrpc"u8, "2.0"u8);
        json.WritePropertyName("id"u8);
        id.WriteValueTo(json);
        json.WritePropertyName("result"u8);
        json.WriteRawValue(resultJson, skipInputValidation: true);
        json.WriteEndObject();
        EndLine(json);
    }

    private Utf8JsonWriter Json()
    {
        if (_json is null)
        {
            _json = new Utf8JsonWriter(_output, WriterOptions);
        }
        else
        {
            _json.Reset(_output);
        }

        return _json;
    }

    private void EndLine(Utf8JsonWriter json)
    {
        json.Flush();
        _output.GetSpan(1)[0] = (byte)'\n';
        _output.Advance(1);
    }

    /// <summary>Flushes what the batch wrote. Caller holds the lock. Returns false when the peer is gone.</summary>
    public async ValueTask<bool> FlushAsync(CancellationToken cancellationToken)
    {
        if (IsClosed)
        {
            return false;
        }

        try
        {
            var result = await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (result.IsCompleted || result.IsCanceled)
            {
                IsClosed = true;
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            IsClosed = true;
        }

        return !IsClosed;
    }

    /// <summary>Writes and flushes under the lock in one go, for the rare frames outside a batch.</summary>
    public async ValueTask<bool> WriteAloneAsync<TState>(TState state, Action<FrameWriter, TState> write, CancellationToken cancellationToken)
    {
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (IsClosed)
            {
                return false;
            }

            write(this, state);
            return await FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Exit();
        }
    }

    public async ValueTask CompleteAsync()
    {
        await _lock.WaitAsync().ConfigureAwait(false);
        try
        {
            IsClosed = true;
            await _output.CompleteAsync().ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }

    public void Dispose()
    {
        _lock.Dispose();
        _json?.Dispose();
    }
}
