namespace McpGateway.Core.Recording;

/// <summary>A tamper finding over the records <see cref="FromSequence"/> to <see cref="ToSequence"/>, inclusive.</summary>
/// <remarks><see cref="ToSequence"/> is <see cref="long.MaxValue"/> when the range has no known end (records from there on).</remarks>
internal sealed record AuditFinding(AuditFindingKind Kind, long FromSequence, long ToSequence)
{
    /// <summary>What else the finding rests on, e.g. which checkpoint; null when the range says it all.</summary>
    public string? Detail { get; init; }

    public override string ToString() => Name(Kind) + ": " + (FromSequence == ToSequence
        ? $"record {FromSequence}"
        : ToSequence == long.MaxValue ? $"records from {FromSequence} on" : $"records {FromSequence}-{ToSequence}")
        + (Detail is null ? "" : $" ({Detail})");

    /// <summary>The finding's name as printed: lower case, words joined by <c>_</c> (<c>checkpoints_missing</c>); older kinds as before.</summary>
    public static string Name(AuditFindingKind kind) => kind switch
    {
        AuditFindingKind.CheckpointsMissing => "checkpoints_missing",
        AuditFindingKind.TreeHeadMismatch => "tree_head_mismatch",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
