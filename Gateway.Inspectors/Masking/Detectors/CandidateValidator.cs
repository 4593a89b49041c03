namespace McpGateway.Inspectors.Masking.Detectors;

/// <summary>Checks a regex candidate; returns how many of its leading characters are the secret, 0 when it is none.</summary>
internal delegate int CandidateValidator(ReadOnlySpan<char> candidate);
