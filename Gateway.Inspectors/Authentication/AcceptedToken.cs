using McpGateway.Core.Identity;

namespace McpGateway.Inspectors.Authentication;

/// <summary>A token the authenticator accepted, and the key set that verified it.</summary>
internal sealed record AcceptedToken(GatewayIdentity Identity, OidcKeySet Keys);
