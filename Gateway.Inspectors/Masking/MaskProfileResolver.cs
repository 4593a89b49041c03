using System.Collections.Concurrent;
using McpGateway.Core.Chain;
using McpGateway.Core.Configuration;
using McpGateway.Core.Framing;
using McpGateway.Inspectors.Masking;
using McpGateway.Inspectors.Policy;

namespace McpGateway.Inspectors.Masking;

/// <summary>
/// Which profile masks a message: the <c>maskProfile</c> of the policy rule that decided the request (identity,
/// connection, tool), else the connection's, else the default. A response is masked with its request's profile,
/// remembered per session and id; a name a reloaded policy got wrong falls back to the default, never to none.
/// </summary>
internal sealed class MaskProfileResolver(MaskingSettings masking, GatewaySettings settings, PolicyMonitor? policy)
{
    private static readonly object PendingKey = new();

    public bool UsesPolicy => policy is not null;

    /// <summary>The profile for a client request; remembered for its response when a rule chose it.</summary>
    public MaskProfile ForRequest(McpFrame frame, bool remember)
    {
        var profile = FromPolicy(frame) ?? ForConnection(frame.Session);
        if (remember && frame.Kind == MessageKind.Request && !ReferenceEquals(profile, ForConnection(frame.Session)))
        {
            Pending(frame.Session)[frame.Id] = profile;
        }

        return profile;
    }

    /// <summary>The profile for a message from the upstream: its request's, for a response.</summary>
    public MaskProfile ForUpstream(McpFrame frame)
    {
        if (frame.Kind == MessageKind.Response
            && frame.Session.Items.TryGetValue(PendingKey, out var pending)
            && ((ConcurrentDictionary<JsonRpcId, MaskProfile>)pending!).TryRemove(frame.Id, out var profile))
        {
            return profile;
        }

        return ForConnection(frame.Session);
    }

    public MaskProfile ForConnection(IGatewaySession session) =>
        session.ConnectionName is { } name && settings.Connections.TryGetValue(name, out var connection) && connection.MaskProfile is { } profile
            ? Named(profile)
            : masking.DefaultProfile;

    private MaskProfile? FromPolicy(McpFrame frame)
    {
        if (policy is null || frame.Session.Identity is not { } identity || frame.Session.ConnectionName is not { } connection || frame.Method is not { } method)
        {
            return null;
        }

        var decision = policy.Current.Evaluate(identity, connection, method, frame.ToolName, frame.Payload, PolicyMode.Call);
        return decision.Rule?.MaskProfile is { } name ? Named(name) : null;
    }

    private MaskProfile Named(string name) => masking.Profiles.TryGetValue(name, out var profile) ? profile : masking.DefaultProfile;

    private static ConcurrentDictionary<JsonRpcId, MaskProfile> Pending(IGatewaySession session) =>
        (ConcurrentDictionary<JsonRpcId, MaskProfile>)session.Items.GetOrAdd(PendingKey, static _ => new ConcurrentDictionary<JsonRpcId, MaskProfile>())!;
}
