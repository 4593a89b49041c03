using McpGateway.Core.Errors;

namespace McpGateway.Core.Chain;

/// <summary>An inspector's decision about one frame. <c>default</c> is <see cref="Forward"/>; none of them allocate but a hold.</summary>
public readonly struct Verdict
{
    private Verdict(VerdictKind kind, GatewayError? error, ReadOnlyMemory<byte> payload, Task<Verdict>? decision)
    {
        Kind = kind;
        Error = error;
        Payload = payload;
        Decision = decision;
    }

    public static Verdict Forward => default;

    public VerdictKind Kind { get; }

    /// <summary>Why the frame was rejected (<see cref="VerdictKind.Reject"/>), or held when the inspector said so (<see cref="VerdictKind.Hold"/>, for metrics).</summary>
    public GatewayError? Error { get; }

    /// <summary>The rewritten frame's JSON (<see cref="VerdictKind.Replace"/>) or the result value (<see cref="VerdictKind.Respond"/>).</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>The pending decision of a <see cref="VerdictKind.Hold"/>; it must not itself resolve to a hold.</summary>
    public Task<Verdict>? Decision { get; }

    /// <summary>Forward <paramref name="frameJson"/> (one JSON-RPC message, no newline) instead of the original.</summary>
    public static Verdict Replace(ReadOnlyMemory<byte> frameJson) => new(VerdictKind.Replace, null, frameJson, null);

    public static Verdict Reject(GatewayError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new Verdict(VerdictKind.Reject, error, default, null);
    }

    public static Verdict Hold(Task<Verdict> decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return new Verdict(VerdictKind.Hold, null, default, decision);
    }

    /// <summary>A hold with its reason and rule (<see cref="GatewayError.Reason"/>, <see cref="GatewayError.Rule"/>), counted under them; never sent.</summary>
    public static Verdict Hold(Task<Verdict> decision, GatewayError reason)
    {
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(reason);
        return new Verdict(VerdictKind.Hold, reason, default, decision);
    }

    /// <summary>Answer the request at the gateway; <paramref name="resultJson"/> becomes the response's <c>result</c>.</summary>
    public static Verdict Respond(ReadOnlyMemory<byte> resultJson) => new(VerdictKind.Respond, null, resultJson, null);

    public override string ToString() => Kind == VerdictKind.Reject ? $"Reject({Error!.Reason})" : Kind.ToString();
}
