using System.Buffers;
using System.Text;
using McpGateway.Core.Framing;
using NUnit.Framework;

namespace McpGateway.Tests.Framing;

/// <summary>The version a handshake result settles on, read where the envelope scanner found it (no re-parse of the result).</summary>
[TestFixture]
internal sealed class McpProtocolVersionsTests
{
    [TestCase("""{"jsonrpc":"2.0","id":1,"result":{"protocolVersion":"2025-06-18","capabilities":{}}}""", "2025-06-18")]
    [TestCase("""{"result":{"capabilities":{"a":[1,{"protocolVersion":"x"}]},"protocolVersion":"2025-11-25"},"id":1,"jsonrpc":"2.0"}""", "2025-11-25")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"result":{"supportedVersions":["2025-06-18","2026-07-28","2025-11-25"]}}""", "2026-07-28")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"result":{"supportedVersions":["2025-06-18"],"protocolVersion":"2026-07-28"}}""", "2026-07-28")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"result":{"supportedVersions":[["2099-01-01"],"2025-06-18",{"v":"2099"}]}}""", "2025-06-18")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"result":{"protocolVersion":20250618,"supportedVersions":["2025-11-25"]}}""", "2025-11-25")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"result":{"capabilities":{}}}""", null)]
    [TestCase("""{"jsonrpc":"2.0","id":1,"result":"2025-06-18"}""", null)]
    public void Negotiated_HandshakeResult_TheVersionItSettlesOn(string json, string? expected)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var scanner = new EnvelopeScanner(FrameLimits.Default);
        foreach (var (name, sequence) in SegmentedSequence.Variants(bytes))
        {
            Assert.That(scanner.Scan(sequence, out var envelope), Is.Null, name);
            Assert.That(McpProtocolVersions.Negotiated(envelope, sequence), Is.EqualTo(expected), name);
        }
    }
}
