namespace McpGateway.Inspectors.Authentication;

/// <summary>What <see cref="JwtPrecheck"/> read from a token that passed it: the header's alg, kid and typ, and the decoded payload.</summary>
internal sealed record JwtShape(string Algorithm, string? KeyId, string? Type, byte[] Payload);
