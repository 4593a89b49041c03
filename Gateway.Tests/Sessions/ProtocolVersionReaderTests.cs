using System.Buffers;
using System.Text;
using McpGateway.Core.Sessions;
using NUnit.Framework;

namespace McpGateway.Tests.Sessions;

[TestFixture]
internal sealed class ProtocolVersionReaderTests
{
    [TestCase("""{"jsonrpc":"2.0","id":1,"result":{"protocolVersion":"2025-06-18","capabilities":{}}}""", "2025-06-18")]
    [TestCase("""{"result":{"capabilities":{"a":[1,{"protocolVersion":"x"}]},"protocolVersion":"2025-11-25"},"id":1,"jsonrpc":"2.0"}""", "2025-11-25")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"result":{"supportedVersions":["2025-06-18","2026-07-28","2025-11-25"]}}""", "2026-07-28")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"result":{"supportedVersions":["2025-06-18"],"protocolVersion":"2026-07-28"}}""", "2026-07-28")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"result":{"capabilities":{}}}""", null)]
    [TestCase("""{"jsonrpc":"2.0","id":1,"result":"2025-06-18"}""", null)]
    public void Read_HandshakeResult_TheVersionItSettlesOn(string json, string? expected)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        for (var split = 0; split <= bytes.Length; split++)
        {
            Assert.That(ProtocolVersionReader.Read(Split(bytes, split)), Is.EqualTo(expected), $"split at {split}");
        }
    }

    private static ReadOnlySequence<byte> Split(byte[] bytes, int at)
    {
        if (at == 0 || at == bytes.Length)
        {
            return new ReadOnlySequence<byte>(bytes);
        }

        var first = new Segment(bytes.AsMemory(0, at), 0);
        var last = first.Append(bytes.AsMemory(at));
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
