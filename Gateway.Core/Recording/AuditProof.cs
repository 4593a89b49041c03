using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace McpGateway.Core.Recording;

/// <summary>
/// A proof about the audit log that an auditor checks offline with the checkpoint public key alone: an inclusion proof
/// (record <c>seq</c> is leaf <c>seq - 1</c> of the tree a signed tree head names) or a consistency proof (the tree of
/// one signed tree head is a prefix of another's: nothing was removed or rewritten in between). One JSON object:
/// <code>
/// {"type":"mcpgw-audit-inclusion-v1","seq":12,"treeSize":40,"leaf":"hex","path":["hex",...],"checkpoint":{...}}
/// {"type":"mcpgw-audit-consistency-v1","oldSize":10,"newSize":40,"path":["hex",...],"oldCheckpoint":{...},"newCheckpoint":{...}}
/// </code>
/// Checkpoints as <see cref="CheckpointJson"/> writes them (with <c>root</c>). <c>leaf</c> is the record's leaf bytes
/// (<see cref="AuditHashChain"/>); its hash is <c>SHA-256(0x00 || leaf)</c>. <c>path</c> is the RFC 9162 audit path.
/// </summary>
internal sealed record AuditProof
{
    public const string InclusionType = "mcpgw-audit-inclusion-v1";

    public const string ConsistencyType = "mcpgw-audit-consistency-v1";

    public required string Type { get; init; }

    /// <summary>Inclusion: the record's sequence (leaf index + 1).</summary>
    public long Sequence { get; init; }

    /// <summary>Inclusion: the record's leaf bytes.</summary>
    public byte[] Leaf { get; init; } = [];

    /// <summary>Inclusion: the signed tree head the proof leads to. Consistency: the newer one.</summary>
    public required AuditCheckpoint Checkpoint { get; init; }

    /// <summary>Consistency: the older signed tree head.</summary>
    public AuditCheckpoint? OldCheckpoint { get; init; }

    public required IReadOnlyList<byte[]> Path { get; init; }

    public string Write()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("type", Type);
            if (Type == InclusionType)
            {
                json.WriteNumber("seq", Sequence);
                json.WriteNumber("treeSize", Checkpoint.Sequence);
                json.WriteString("leaf", Convert.ToHexStringLower(Leaf));
                json.WriteString("leafHash", Convert.ToHexStringLower(MerkleTree.LeafHash(Leaf)));
            }
            else
            {
                json.WriteNumber("oldSize", OldCheckpoint!.Sequence);
                json.WriteNumber("newSize", Checkpoint.Sequence);
            }

            json.WriteStartArray("path");
            foreach (var hash in Path)
            {
                json.WriteStringValue(Convert.ToHexStringLower(hash));
            }

            json.WriteEndArray();
            if (OldCheckpoint is not null)
            {
                json.WritePropertyName("oldCheckpoint");
                CheckpointJson.Write(json, OldCheckpoint);
                json.WritePropertyName("newCheckpoint");
            }
            else
            {
                json.WritePropertyName("checkpoint");
            }

            CheckpointJson.Write(json, Checkpoint);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <exception cref="FormatException">The text is not a proof; the message says what is wrong.</exception>
    public static AuditProof Read(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            var type = root.GetProperty("type").GetString();
            var path = root.GetProperty("path").EnumerateArray().Select(e => Convert.FromHexString(e.GetString()!)).ToList();
            return type switch
            {
                InclusionType => new AuditProof
                {
                    Type = type,
                    Sequence = root.GetProperty("seq").GetInt64(),
                    Leaf = Convert.FromHexString(root.GetProperty("leaf").GetString()!),
                    Checkpoint = CheckpointJson.Read(root.GetProperty("checkpoint"), "the checkpoint"),
                    Path = path,
                },
                ConsistencyType => new AuditProof
                {
                    Type = type,
                    OldCheckpoint = CheckpointJson.Read(root.GetProperty("oldCheckpoint"), "the old checkpoint"),
                    Checkpoint = CheckpointJson.Read(root.GetProperty("newCheckpoint"), "the new checkpoint"),
                    Path = path,
                },
                _ => throw new FormatException($"unknown proof type \"{type}\""),
            };
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException($"not an audit proof: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Checks the proof with the checkpoint public key (null: the signatures are not checked, only the path against
    /// the roots the checkpoints name); null when it holds, otherwise why not.
    /// </summary>
    public string? Check(ECDsa? publicKey)
    {
        if (Problem(Checkpoint, publicKey, Type == InclusionType ? "the checkpoint" : "the new checkpoint") is { } problem)
        {
            return problem;
        }

        if (Type == InclusionType)
        {
            return MerkleTree.VerifyInclusion(Sequence - 1, Checkpoint.Sequence, MerkleTree.LeafHash(Leaf), Path, Checkpoint.Root)
                ? null
                : $"the path does not lead from record {Sequence}'s leaf to the root of the tree of {Checkpoint.Sequence} records";
        }

        if (OldCheckpoint is null)
        {
            return "no old checkpoint";
        }

        if (Problem(OldCheckpoint, publicKey, "the old checkpoint") is { } oldProblem)
        {
            return oldProblem;
        }

        return MerkleTree.VerifyConsistency(OldCheckpoint.Sequence, Checkpoint.Sequence, OldCheckpoint.Root, Checkpoint.Root, Path)
            ? null
            : $"the tree of {OldCheckpoint.Sequence} records is not a prefix of the tree of {Checkpoint.Sequence} records: records were removed or rewritten";
    }

    private static string? Problem(AuditCheckpoint checkpoint, ECDsa? publicKey, string name) =>
        checkpoint.Root is null ? $"{name} is not a tree head (it has no root)"
        : publicKey is not null && !CheckpointSigner.Verify(publicKey, checkpoint) ? $"{name}'s signature does not verify with this public key"
        : null;
}
