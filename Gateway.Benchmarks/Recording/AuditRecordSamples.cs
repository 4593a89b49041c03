using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using McpGateway.Core.Recording;

namespace McpGateway.Benchmarks.Recording;

/// <summary>The recording benchmarks' records: forwarded <c>tools/call</c> frames with a 256-byte payload, every column a relayed frame fills.</summary>
internal static class AuditRecordSamples
{
    /// <summary>Frame <paramref name="i"/>: requests and responses alternate, <paramref name="perSession"/> frames per session.</summary>
    public static AuditRecord Frame(int i, int perSession)
    {
        var payload = Encoding.UTF8.GetBytes(
            "{\"jsonrpc\":\"2.0\",\"id\":" + i.ToString(CultureInfo.InvariantCulture)
            + ",\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"" + new string('x', 180) + "\"}}}");
        return new AuditRecord
        {
            TimeMicros = 1_765_000_000_000_000 + i,
            Kind = AuditEventKind.Frame,
            SessionId = $"session-{i / perSession:D4}",
            Subject = "load-client",
            Connection = "fast",
            Direction = i % 2 == 0 ? "client_to_upstream" : "upstream_to_client",
            FrameSequence = i,
            MessageKind = i % 2 == 0 ? "request" : "response",
            RpcId = i.ToString(CultureInfo.InvariantCulture),
            Method = "tools/call",
            Tool = "echo",
            Verdict = "forwarded",
            Size = payload.Length,
            PayloadSha256 = Convert.ToHexStringLower(SHA256.HashData(payload)),
            Payload = payload,
        };
    }
}
