using McpGateway.Core.Chain;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;
using McpGateway.Inspectors.Masking;
using Microsoft.Extensions.Logging;

namespace McpGateway.Inspectors.Masking;

/// <summary>
/// Masks every string the upstream sends (results, errors, notifications, server-to-client requests) before the client
/// and the recorder see it; runs in the <see cref="ChainSlot.Masking"/> slot, last, after the configured middle (the
/// session records a frame once the chain has run). A message with no hit is forwarded with its original bytes; one whose masking fails or exceeds
/// the profile's budget is withheld with -31003 <c>masking_failed</c> (a response's caller gets the error with its id).
/// A request or notification from the upstream whose id or method holds a secret cannot be masked without changing what
/// it means: it is refused with -31003 <c>secret_in_envelope</c> (a request's error goes back to the upstream), and never
/// reaches the client.
/// From the client it only notes which profile a policy rule chose for the response; requests reach the upstream unmasked.
/// </summary>
internal sealed class MaskInspector(MaskProfileResolver profiles, TimeProvider time, ILogger<MaskInspector> logger) : IFrameInspector
{
    public const string InspectorName = "masking";

    public static readonly GatewayError MaskingFailed = new(GatewayErrorCode.Forbidden, "masking_failed", "Forbidden: the message could not be masked and was withheld");

    public static readonly GatewayError SecretInEnvelope = new(GatewayErrorCode.Forbidden, "secret_in_envelope", "Forbidden: the message's id or method holds a secret; it was not relayed");

    public string Name => InspectorName;

    public InspectedDirections Directions => profiles.UsesPolicy ? InspectedDirections.Both : InspectedDirections.UpstreamToClient;

    public ValueTask<Verdict> InspectAsync(McpFrame frame, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Inspect(frame));

    private Verdict Inspect(McpFrame frame)
    {
        if (frame.Direction == FrameDirection.ClientToUpstream)
        {
            if (frame.Kind == MessageKind.Request)
            {
                profiles.ForRequest(frame, remember: true);
            }

            return Verdict.Forward;
        }

        var profile = profiles.ForUpstream(frame);
        try
        {
            if (frame.Kind is MessageKind.Request or MessageKind.Notification && MaskEngine.EnvelopeHasSecret(frame.Id, frame.Method, profile))
            {
                MaskingLog.EnvelopeRefused(logger, frame.Session.Id, profile.Name);
                return Verdict.Reject(SecretInEnvelope);
            }

            var masked = MaskEngine.Mask(frame.Payload, profile, MaskLabels.For(frame.Session), time);
            if (masked is null)
            {
                return Verdict.Forward;
            }

            MaskingLog.Masked(logger, frame.Session.Id, "upstream->client", frame.Method, profile.Name);
            return Verdict.Replace(masked);
        }
        catch (Exception ex)
        {
            MaskingLog.Failed(logger, frame.Session.Id, frame.Method, profile.Name, ex);
            return Verdict.Reject(MaskingFailed);
        }
    }
}
