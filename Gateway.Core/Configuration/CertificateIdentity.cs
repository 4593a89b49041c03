namespace McpGateway.Core.Configuration;

/// <summary>The identity a mapped client certificate stands for.</summary>
public sealed record CertificateIdentity(string Subject, IReadOnlyList<string> Groups);
