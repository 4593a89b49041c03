using System.Buffers;
using System.Text.Json;
using McpGateway.Core.Chain;
using McpGateway.Core.Framing;
using McpGateway.Inspectors.Masking;
using Microsoft.Extensions.Logging;

namespace McpGateway.Inspectors.Masking;

/// <summary>
/// Masks client frames for the audit record only (the upstream gets them unchanged), with the profile the request's
/// policy rule or connection names and the session's labels, so a secret carries the same label in a request's record
/// as in the masked response. Frames from the upstream were already masked in flight and pass through again cheaply.
/// When masking fails, the record keeps the envelope and replaces params, result and error with a placeholder. For the
/// record (unlike in flight) a secret in the id or method is masked as well.
/// </summary>
internal sealed class RecordMasker(MaskProfileResolver profiles, TimeProvider time, ILogger<RecordMasker> logger) : IRecordMasker
{
    public const string Withheld = "[MASKED:masking_failed]";

    public byte[]? MaskForRecord(McpFrame frame) => Mask(frame, MaskUse.Record);

    public byte[]? MaskForApproval(McpFrame frame) => Mask(frame, MaskUse.Approval);

    public string? MaskId(IGatewaySession session, JsonRpcId id)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (!id.IsValue)
        {
            return null;
        }

        try
        {
            return MaskEngine.MaskId(id, profiles.ForConnection(session), MaskLabels.For(session));
        }
        catch (Exception ex)
        {
            MaskingLog.RecordFailed(logger, session.Id, null, ex);
            return JsonSerializer.Serialize(Withheld);
        }
    }

    private byte[]? Mask(McpFrame frame, MaskUse use)
    {
        ArgumentNullException.ThrowIfNull(frame);
        try
        {
            return MaskEngine.Mask(frame.Payload, Profile(frame), MaskLabels.For(frame.Session), time, use);
        }
        catch (Exception ex)
        {
            MaskingLog.RecordFailed(logger, frame.Session.Id, frame.Method, ex);
            return EnvelopeOnly(frame.Payload);
        }
    }

    private MaskProfile Profile(McpFrame frame) =>
        frame.Direction == FrameDirection.ClientToUpstream ? profiles.ForRequest(frame, remember: false) : profiles.ForConnection(frame.Session);

    /// <summary>The top-level members as they are, except that params, result and error become the placeholder string.</summary>
    internal static byte[] EnvelopeOnly(in ReadOnlySequence<byte> payload)
    {
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(output))
        {
            var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = 1024 });
            writer.WriteStartObject();
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                reader.Read();
                if (name is "params" or "result" or "error")
                {
                    writer.WriteString(name, Withheld);
                    reader.Skip();
                }
                else if (reader.TokenType == JsonTokenType.String)
                {
                    writer.WriteString(name, reader.GetString());
                }
                else if (reader.TokenType == JsonTokenType.Number)
                {
                    writer.WritePropertyName(name);
                    writer.WriteRawValue(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan.ToArray(), skipInputValidation: true);
                }
                else
                {
                    writer.WriteString(name, Withheld);
                    reader.Skip();
                }
            }

            writer.WriteEndObject();
        }

        return output.WrittenSpan.ToArray();
    }
}
