using McpGateway.Core.Identity;

namespace McpGateway.Inspectors.Authentication;

/// <summary>
/// A token the authenticator accepted, the key set that verified it, and the resource URL it holds for when it was
/// accepted only because its audience names that URL (null: a configured audience, anywhere).
/// </summary>
internal sealed record AcceptedToken(GatewayIdentity Identity, OidcKeySet Keys, string? Resource);
