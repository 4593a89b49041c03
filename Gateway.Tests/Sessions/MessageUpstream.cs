using System.IO.Pipelines;
using System.Text;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;
using McpGateway.Core.Sessions;
using McpGateway.Core.Upstreams;
using McpGateway.Core.Messaging;

namespace McpGateway.Tests.Sessions;

/// <summary>An upstream that talks to the core in messages, as the HTTP upstream is meant to: no pipes, no re-scan.</summary>
internal sealed class MessageUpstream : IUpstreamChannel, IMessageChannel
{
    private readonly TaskCompletionSource<IUpstreamInlet> _inlet = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PipeReader Input => throw new InvalidOperationException("a message channel has no pipes");

    public PipeWriter Output => throw new InvalidOperationException("a message channel has no pipes");

    public string Description => "in-memory messages";

    public GatewayError? EndError { get; set; }

    public IMessageChannel? Messages => this;

    /// <summary>What the core sent the upstream.</summary>
    public CollectingSink Received { get; } = new();

    public FrameSink Sink => Received;

    public Task<IUpstreamInlet> Inlet => _inlet.Task;

    public async Task RunAsync(IUpstreamInlet inlet, CancellationToken cancellationToken)
    {
        _inlet.TrySetResult(inlet);
        await _ended.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Scans <paramref name="json"/> once, as an adapter does, and delivers it.</summary>
    public async Task<bool> SendAsync(string json, CancellationToken cancellationToken)
    {
        var payload = new System.Buffers.ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(json));
        var invalid = new EnvelopeScanner(FrameLimits.Default).Scan(payload, out var envelope);
        var inlet = await Inlet.WaitAsync(cancellationToken);
        return await inlet.DeliverAsync(payload, envelope, invalid, cancellationToken);
    }

    public void End() => _ended.TrySetResult();

    public ValueTask DisposeAsync()
    {
        End();
        return ValueTask.CompletedTask;
    }
}
