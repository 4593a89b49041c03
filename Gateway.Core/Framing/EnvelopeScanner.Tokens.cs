using System.Buffers;
using System.Text;
using System.Text.Json;
using McpGateway.Core.Errors;

namespace McpGateway.Core.Framing;

/// <summary>Reading one token: unescaped text, raw bytes across segments, the scratch buffer they need, and the control-character check.</summary>
internal sealed partial class EnvelopeScanner
{
    // Also checks the escapes, as CheckEscapes does: a string with an unpaired surrogate is not inspected further.
    private bool HasControlCharacter(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return JsonTextChecks.HasControlCharacter(RawValue(ref reader));
        }

        if (!TryUnescape(ref reader, out ReadOnlySpan<byte> value))
        {
            Record(GatewayErrors.UnpairedSurrogate);
            return false;
        }

        return JsonTextChecks.HasControlCharacter(value);
    }

    private void CheckEscapes(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped && !JsonTextChecks.SurrogateEscapesPaired(RawValue(ref reader)))
        {
            Record(GatewayErrors.UnpairedSurrogate);
        }
    }


    // The unescaped UTF-8 of the current string or name; false when it escapes an unpaired surrogate.
    private bool TryUnescape(scoped ref Utf8JsonReader reader, out ReadOnlySpan<byte> value)
    {
        if (!reader.ValueIsEscaped)
        {
            value = RawValue(ref reader);
            return true;
        }

        ReadOnlySpan<byte> raw = RawValue(ref reader);
        if (!JsonTextChecks.SurrogateEscapesPaired(raw))
        {
            value = default;
            return false;
        }

        // The raw copy of a multi-segment value may occupy the start of the scratch buffer: unescape after it.
        int offset = reader.HasValueSequence ? raw.Length : 0;
        Span<byte> destination = Scratch(offset + raw.Length).AsSpan(offset, raw.Length);
        int written = reader.CopyString(destination);
        value = destination[..written];
        return true;
    }

    // The raw bytes of the current token; a token that spans segments is copied into the scratch buffer.
    private ReadOnlySpan<byte> RawValue(scoped ref Utf8JsonReader reader)
    {
        if (!reader.HasValueSequence)
        {
            return reader.ValueSpan;
        }

        ReadOnlySequence<byte> sequence = reader.ValueSequence;
        Span<byte> copy = Scratch(checked((int)sequence.Length)).AsSpan(0, (int)sequence.Length);
        sequence.CopyTo(copy);
        return copy;
    }

    private byte[] Scratch(int length)
    {
        if (_scratch.Length < length)
        {
            byte[] larger = ArrayPool<byte>.Shared.Rent(length);
            if (_scratch != _ownScratch)
            {
                ArrayPool<byte>.Shared.Return(_scratch);
            }

            _scratch = larger;
        }

        return _scratch;
    }

    // A hostile frame must not leave an idle connection holding megabytes.
    private void ReleaseLargeState()
    {
        _memberNames.Reset();
        if (_scratch.Length > RetainedScratchBytes)
        {
            ArrayPool<byte>.Shared.Return(_scratch);
            _scratch = _ownScratch;
        }
    }

    private static bool TryGetSafeInteger(ref Utf8JsonReader reader, out long value) =>
        reader.HasValueSequence
            ? JsonTextChecks.TryParseSafeInteger(reader.ValueSequence, out value)
            : JsonTextChecks.TryParseSafeInteger(reader.ValueSpan, out value);
}
