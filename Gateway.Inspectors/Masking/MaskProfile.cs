using System.Collections.Frozen;
using McpGateway.Inspectors.Masking.Detectors;

namespace McpGateway.Inspectors.Masking;

/// <summary>A validated masking profile: what to detect and how to replace it.</summary>
internal sealed class MaskProfile
{
    public static readonly TimeSpan DefaultBudget = TimeSpan.FromMilliseconds(50);

    public required string Name { get; init; }

    public required SecretDetector[] Detectors { get; init; }

    public FieldRule[] Fields { get; init; } = [];

    /// <summary>Kinds replaced by <c>****</c> and their last four characters instead of a label.</summary>
    public FrozenSet<string> Partial { get; init; } = FrozenSet<string>.Empty;

    public Base64Mode Base64 { get; init; } = Base64Mode.Scan;

    public TimeSpan Budget { get; init; } = DefaultBudget;

    /// <summary>Longest field-rule path, in segments; deeper values are not compared.</summary>
    public int FieldDepth => _fieldDepth ??= Fields.Length == 0 ? 0 : Fields.Max(f => f.Segments.Length);

    /// <summary>What the raw bytes must hold for this profile to mask anything (built once, on first use).</summary>
    public MaskPrefilter Prefilter => _prefilter ??= MaskPrefilter.Create(Detectors, Fields, Base64);

    private int? _fieldDepth;
    private MaskPrefilter? _prefilter;
}
