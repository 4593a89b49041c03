using McpGateway.Core.Errors;

namespace McpGateway.Core.FrontDoor;

/// <summary>
/// An <c>initialize</c> the gateway itself answered with <c>-31007</c>: the connection's server did not start, or exited
/// before it could answer ("Cannot find module", a missing setting). Over HTTP that is <c>502</c>, as the wire contract
/// says, and the session that was opened for it is closed rather than handed to the client. The session core says so
/// with the answer (<see cref="FrontDoorExchange.FinalError"/>): the answer is not parsed again, and an upstream that
/// answers <c>initialize</c> with a <c>-31007</c> of its own is relayed like any other error of its own.
/// </summary>
internal static class UpstreamStartFailure
{
    public static bool Is(GatewayError? madeError) => madeError?.Code == GatewayErrorCode.UpstreamUnavailable;
}
