using McpGateway.Core.Chain;
using McpGateway.Core.Configuration;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;
using McpGateway.Core.Identity;
using McpGateway.Core.Sessions;

namespace McpGateway.Inspectors.Authentication;

/// <summary>
/// First in every chain. The session's first frame was already authenticated before the upstream opened; from
/// then on this inspector answers renewals (<c>mcpgateway/authenticate</c> again: same subject continues with the
/// new expiry; a different subject, or an identity the connection no longer admits, ends the connection) and
/// refuses requests once the token expired (-31002).
/// Responses and cancellations still pass after expiry so that calls already forwarded can complete.
/// </summary>
internal sealed class AuthenticationInspector(IGatewayAuthenticator authenticator, GatewaySettings settings, TimeProvider timeProvider) : IFrameInspector
{
    public const string InspectorName = "authentication";

    public string Name => InspectorName;

    public InspectedDirections Directions => InspectedDirections.ClientToUpstream;

    public ValueTask<Verdict> InspectAsync(McpFrame frame, CancellationToken cancellationToken)
    {
        var session = (GatewaySession)frame.Session;
        if (frame.Kind == MessageKind.Request && frame.Method == McpMethods.Authenticate)
        {
            return RenewAsync(session, frame, cancellationToken);
        }

        var identity = session.Identity;
        if (identity is null)
        {
            return ValueTask.FromResult(Verdict.Reject(GatewayErrors.Unauthenticated));
        }

        if (identity.IsExpired(timeProvider.GetUtcNow()))
        {
            switch (frame.Kind)
            {
                case MessageKind.Request:
                    return ValueTask.FromResult(Verdict.Reject(GatewayErrors.TokenExpired));
                case MessageKind.Notification when frame.Method != McpMethods.NotificationsCancelled:
                    return ValueTask.FromResult(Verdict.Reject(GatewayErrors.TokenExpired));
            }
        }

        if (frame.Kind == MessageKind.Request || (frame.Kind == MessageKind.Notification && frame.Method != McpMethods.NotificationsCancelled))
        {
            var recheck = authenticator.RecheckAsync(identity, cancellationToken);
            return recheck.IsCompletedSuccessfully ? ValueTask.FromResult(AfterRecheck(session, recheck.Result)) : AwaitRecheckAsync(session, recheck);
        }

        return ValueTask.FromResult(Verdict.Forward);
    }

    private static async ValueTask<Verdict> AwaitRecheckAsync(GatewaySession session, ValueTask<GatewayError?> recheck) =>
        AfterRecheck(session, await recheck.ConfigureAwait(false));

    /// <summary>
    /// A token revoked at the issuer ends the session: this request is refused (-31001 <c>token_revoked</c>) and the
    /// connection closed, since no renewal can make a revoked grant good. An issuer that cannot answer only refuses.
    /// </summary>
    private static Verdict AfterRecheck(GatewaySession session, GatewayError? refusal)
    {
        if (refusal is null)
        {
            return Verdict.Forward;
        }

        if (ReferenceEquals(refusal, OidcErrors.TokenRevoked))
        {
            session.Abort("token revoked at the issuer");
        }

        return Verdict.Reject(refusal);
    }

    private async ValueTask<Verdict> RenewAsync(GatewaySession session, McpFrame frame, CancellationToken cancellationToken)
    {
        var parameters = AuthenticateParams.TryRead(frame.Payload, frame.Envelope);
        if (parameters is null)
        {
            return Verdict.Reject(GatewayErrors.InvalidToken);
        }

        if (parameters.Connection is not null && !string.Equals(parameters.Connection, session.ConnectionName, StringComparison.Ordinal))
        {
            // A session is bound to its connection: asking for another is refused like any identity it does not admit.
            session.Abort("renewal named another connection");
            return Verdict.Reject(GatewayErrors.ConnectionNotAllowed);
        }

        var outcome = await authenticator.AuthenticateAsync(parameters.Token, session.Resource, cancellationToken).ConfigureAwait(false);
        if (outcome.Identity is null)
        {
            return Verdict.Reject(outcome.Error ?? GatewayErrors.InvalidToken);
        }

        if (!string.Equals(outcome.Identity.Subject, session.Identity?.Subject, StringComparison.Ordinal))
        {
            session.Abort("renewal named a different subject");
            return Verdict.Reject(GatewayErrors.SubjectChanged);
        }

        if (settings.Connections.TryGetValue(session.ConnectionName!, out var connection) && !settings.Admits(connection, outcome.Identity))
        {
            // Same subject, but the token no longer carries what the connection asks for (e.g. a group was removed).
            session.Abort("renewal may not open the connection");
            return Verdict.Reject(GatewayErrors.ConnectionNotAllowed);
        }

        session.RenewIdentity(outcome.Identity);
        return Verdict.Respond(AuthenticateResult.Create(session.Id, outcome.Identity, session.ConnectionName!));
    }
}
