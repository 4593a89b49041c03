namespace McpGateway.Core.Recording;

/// <summary>A tamper finding over the records <see cref="FromSequence"/> to <see cref="ToSequence"/>, inclusive.</summary>
public sealed record AuditFinding(AuditFindingKind Kind, long FromSequence, long ToSequence)
{
    public override string ToString() => FromSequence == ToSequence
        ? $"{Kind.ToString().ToLowerInvariant()}: record {FromSequence}"
        : $"{Kind.ToString().ToLowerInvariant()}: records {FromSequence}-{ToSequence}";
}
