namespace McpGateway.Inspectors.Masking;

/// <summary>One masking profile as configured.</summary>
internal sealed class MaskProfileOptions
{
    /// <summary>Built-in detectors to run; empty means every built-in that is not opt-in.</summary>
    public IList<string> Detectors { get; } = [];

    /// <summary>Opt-in detectors added to <see cref="Detectors"/>: <c>email</c>, <c>phone</c>, <c>ip</c>.</summary>
    public IList<string> OptIn { get; } = [];

    public IList<CustomDetectorOptions> Custom { get; } = [];

    public IList<FieldRuleOptions> Fields { get; } = [];

    /// <summary>Detector kinds replaced partially (<c>****1234</c>) instead of by a label.</summary>
    public IList<string> Partial { get; } = [];

    /// <summary><c>scan</c> (default), <c>replace</c> or <c>ignore</c>: what happens to base64 <c>data</c> and <c>blob</c> values.</summary>
    public string? Base64 { get; set; }

    /// <summary>Time one message may take to mask before it is withheld (default 50 ms).</summary>
    public TimeSpan? Budget { get; set; }
}
