namespace McpGateway.Core.Recording;

/// <summary>
/// A signed statement that the records before <see cref="Sequence"/> were purged by retention, and that the chain goes
/// on from record <see cref="Sequence"/>, whose <c>prev_hash</c> is <see cref="PrevHash"/>. Written at <see cref="TimeMicros"/>.
/// </summary>
internal sealed record AuditAnchor(long Sequence, byte[] PrevHash, long TimeMicros, byte[] Signature)
{
    /// <summary>
    /// The Merkle tree's right edge over the purged records (<see cref="MerkleFrontier.Serialize"/> of
    /// <see cref="Sequence"/> - 1 leaves), so tree heads after the purge can still be checked; null when the purge could
    /// not compute it. Not signed: a wrong edge makes every later tree head a mismatch.
    /// </summary>
    public byte[]? TreeEdge { get; init; }
}
