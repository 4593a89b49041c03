namespace McpGateway.Benchmarks.Load;

/// <summary>What every connection of a run does right now: warm up, record, or stop issuing requests.</summary>
internal sealed class LoadPhase
{
    private volatile bool _recording;
    private volatile bool _stopping;

    public bool Recording => _recording;

    public bool Stopping => _stopping;

    public void StartRecording() => _recording = true;

    public void StopRecording() => _recording = false;

    public void Stop() => _stopping = true;
}
