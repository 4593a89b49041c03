using System.Threading.Channels;

namespace McpGateway.Core.FrontDoor;

/// <summary>The GET stream of a session: server requests and notifications that no client request is waiting for.</summary>
internal sealed class ServerStream
{
    public const int Capacity = 1024;

    private readonly Channel<byte[]> _messages = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(Capacity)
    {
        SingleReader = true,
        SingleWriter = false,
        FullMode = BoundedChannelFullMode.DropWrite,
    });

    public ChannelReader<byte[]> Messages => _messages.Reader;

    public bool IsClosed { get; private set; }

    public bool TryPost(byte[] frame) => !IsClosed && _messages.Writer.TryWrite(frame);

    public void Close()
    {
        IsClosed = true;
        _messages.Writer.TryComplete();
    }
}
