using System.Buffers;
using System.Text.Json;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;

namespace McpGateway.Core.Messaging;

/// <summary>
/// Where the session core writes the messages bound for one side (the client, or the upstream): relayed frames with the
/// envelope it scanned, and the answers it makes itself. Two pumps (plus held frames and the sweeper) write to each
/// side, so writes and the flush that ends a batch happen under one async lock, taken once per read batch, not per
/// frame. <see cref="NdjsonFrameSink"/> writes NDJSON to a <c>PipeWriter</c> (TCP, stdio);
/// <see cref="MessageFrameSink"/> hands whole messages to an adapter (Streamable HTTP).
/// </summary>
internal abstract class FrameSink : IDisposable
{
    private readonly SemaphoreSlim _lock = new(1, 1);

    /// <summary>True once the side stopped reading or the sink was completed.</summary>
    public bool IsClosed { get; protected set; }

    public Task EnterAsync(CancellationToken cancellationToken) => _lock.WaitAsync(cancellationToken);

    public void Exit() => _lock.Release();

    /// <summary>One message, its bytes without a newline, and the envelope the core scanned. Borrowed: valid during the call. Caller holds the lock.</summary>
    public abstract void WriteFrame(in ReadOnlySequence<byte> payload, in FrameEnvelope envelope);

    /// <summary>
    /// A gateway error response. Caller holds the lock. <paramref name="rpcId"/>, when set, names in
    /// <c>error.data.rpcId</c> the id of a request answered with <c>"id": null</c> (it reused a pending id).
    /// </summary>
    public abstract void WriteError(JsonRpcId id, GatewayError error, string correlationId, JsonRpcId rpcId = default);

    /// <summary>A response whose result the gateway produced. Caller holds the lock.</summary>
    public abstract void WriteResult(JsonRpcId id, ReadOnlySpan<byte> resultJson);

    /// <summary>Flushes what the batch wrote. Caller holds the lock. Returns false when the side is gone.</summary>
    public async ValueTask<bool> FlushAsync(CancellationToken cancellationToken)
    {
        if (IsClosed)
        {
            return false;
        }

        try
        {
            if (!await FlushCoreAsync(cancellationToken).ConfigureAwait(false))
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
    public async ValueTask<bool> WriteAloneAsync<TState>(TState state, Action<FrameSink, TState> write, CancellationToken cancellationToken)
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

    /// <summary>The session is over: nothing more will be written to this side.</summary>
    public async ValueTask CompleteAsync()
    {
        await _lock.WaitAsync().ConfigureAwait(false);
        try
        {
            IsClosed = true;
            await CompleteCoreAsync().ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>False when the side is gone (a completed or cancelled flush).</summary>
    protected abstract ValueTask<bool> FlushCoreAsync(CancellationToken cancellationToken);

    protected abstract ValueTask CompleteCoreAsync();

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _lock.Dispose();
        }
    }

    /// <summary>The JSON of a gateway error response (no newline), as every sink writes it.</summary>
    protected static void WriteErrorJson(Utf8JsonWriter json, JsonRpcId id, GatewayError error, string correlationId, JsonRpcId rpcId)
    {
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
    }

    /// <summary>The JSON of a response with a result the gateway produced (no newline).</summary>
    protected static void WriteResultJson(Utf8JsonWriter json, JsonRpcId id, ReadOnlySpan<byte> resultJson)
    {
        json.WriteStartObject();
        json.WriteString("jsonrpc"u8, "2.0"u8);
        json.WritePropertyName("id"u8);
        id.WriteValueTo(json);
        json.WritePropertyName("result"u8);
        json.WriteRawValue(resultJson, skipInputValidation: true);
        json.WriteEndObject();
    }
}
