namespace McpGateway.Inspectors.Masking;

/// <summary>One detected secret in a string: where it is and which detector found it.</summary>
internal readonly record struct SecretMatch(int Start, int Length, string Kind);
