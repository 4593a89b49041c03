namespace McpGateway.Inspectors.Masking.Detectors;

/// <summary>
/// What every match of a detector contains: one of <paramref name="Anchors"/> (ASCII literals, compared ignoring case) or
/// one of <paramref name="Shapes"/>. A detector without a hint (a custom regex) turns the pre-filter off for its profile.
/// </summary>
internal sealed record PrefilterHint(IReadOnlyList<string> Anchors, PrefilterShapes Shapes = PrefilterShapes.None);
