using System.Buffers;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;

namespace McpGateway.Core.Messaging;

/// <summary>
/// Where one side's messages enter the session core when an adapter, not the NDJSON pump, reads them (the Streamable
/// HTTP front door, the HTTP upstream). The message arrives framed and scanned: the core does not scan it again.
/// </summary>
internal interface ISessionInlet
{
    /// <summary>
    /// Runs one message through the protocol rules, the chain and recording, and writes what follows (the message
    /// itself, or the gateway's answer) before it returns. <paramref name="message"/> is borrowed: the core copies
    /// what must outlive the call. <paramref name="envelope"/> and <paramref name="invalid"/> are what
    /// <see cref="EnvelopeScanner.Scan"/> returned for it; a message that broke the parsing rule is recorded as
    /// invalid and answered as on a socket. One call at a time per inlet (the core serialises them). False once the
    /// session ended: nothing was done.
    /// </summary>
    ValueTask<bool> DeliverAsync(ReadOnlySequence<byte> message, FrameEnvelope envelope, GatewayError? invalid, CancellationToken cancellationToken);
}
