namespace McpGateway.Core.Configuration;

/// <summary>The identity a mapped client certificate stands for.</summary>
internal sealed record CertificateIdentity(string Subject, IReadOnlyList<string> Groups);
