using System.Text;
using System.Text.Json;

namespace McpGateway.Core.Recording;

/// <summary>
/// A checkpoint as one line of JSON, as anchors outside the store keep it:
/// <c>{"seq":20,"hash":"…hex…","time":1765000000000000,"counter":5,"prev":"…hex…","kind":"periodic","intervalMs":60000,"root":"…hex…","signature":"…base64…"}</c>
/// (<c>root</c> only on a tree head).
/// Everything the signature covers is there, so a verifier needs nothing else.
/// </summary>
internal static class CheckpointJson
{
    public static string Write(AuditCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            Write(json, checkpoint);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Writes the checkpoint as one JSON object (inside a proof, for instance).</summary>
    public static void Write(Utf8JsonWriter json, AuditCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(checkpoint);
        {
            json.WriteStartObject();
            json.WriteNumber("seq", checkpoint.Sequence);
            json.WriteString("hash", Convert.ToHexStringLower(checkpoint.Hash));
            json.WriteNumber("time", checkpoint.TimeMicros);
            if (checkpoint.Counter is { } counter)
            {
                json.WriteNumber("counter", counter);
                json.WriteString("prev", Convert.ToHexStringLower(checkpoint.PreviousDigest ?? []));
                json.WriteString("kind", checkpoint.Kind.ToString().ToLowerInvariant());
                json.WriteNumber("intervalMs", checkpoint.IntervalMillis);
                if (checkpoint.Root is { } root)
                {
                    json.WriteString("root", Convert.ToHexStringLower(root));
                }
            }

            json.WriteString("signature", Convert.ToBase64String(checkpoint.Signature));
            json.WriteEndObject();
        }
    }

    /// <summary>Every checkpoint in <paramref name="text"/>: JSON lines, or one JSON array of them.</summary>
    /// <exception cref="FormatException">A line or element is not a checkpoint; the message names which.</exception>
    public static List<AuditCheckpoint> ReadAll(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var checkpoints = new List<AuditCheckpoint>();
        var trimmed = text.TrimStart();
        if (trimmed.StartsWith('['))
        {
            using var array = Parse(trimmed, "the array");
            var index = 0;
            foreach (var element in array.RootElement.EnumerateArray())
            {
                checkpoints.Add(Read(element, $"element {index++}"));
            }

            return checkpoints;
        }

        var number = 0;
        foreach (var line in text.Split('\n'))
        {
            number++;
            if (line.Trim().Length == 0)
            {
                continue;
            }

            using var document = Parse(line, $"line {number}");
            checkpoints.Add(Read(document.RootElement, $"line {number}"));
        }

        return checkpoints;
    }

    private static JsonDocument Parse(string text, string where)
    {
        try
        {
            return JsonDocument.Parse(text);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"{where} is not JSON: {ex.Message}", ex);
        }
    }

    /// <summary>One checkpoint object; <paramref name="where"/> names it in the error.</summary>
    /// <exception cref="FormatException">It is not a checkpoint.</exception>
    public static AuditCheckpoint Read(JsonElement element, string where)
    {
        try
        {
            var checkpoint = new AuditCheckpoint(
                element.GetProperty("seq").GetInt64(),
                Convert.FromHexString(element.GetProperty("hash").GetString()!),
                element.GetProperty("time").GetInt64(),
                Convert.FromBase64String(element.GetProperty("signature").GetString()!));
            if (!element.TryGetProperty("counter", out var counter))
            {
                return checkpoint;
            }

            return checkpoint with
            {
                Counter = counter.GetInt64(),
                PreviousDigest = Convert.FromHexString(element.GetProperty("prev").GetString()!),
                Kind = Enum.Parse<CheckpointKind>(element.GetProperty("kind").GetString()!, ignoreCase: true),
                IntervalMillis = element.GetProperty("intervalMs").GetInt64(),
                Root = element.TryGetProperty("root", out var root) ? Convert.FromHexString(root.GetString()!) : null,
            };
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new FormatException($"{where} is not a checkpoint: {ex.Message}", ex);
        }
    }
}
