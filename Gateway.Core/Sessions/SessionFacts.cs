using System.Collections.Frozen;

namespace McpGateway.Core.Sessions;

/// <summary>What <see cref="RelayRules"/> needs to know of a session and its gateway when a frame arrives.</summary>
internal readonly record struct SessionFacts(bool Draining, bool LifecycleOpen, string? ProtocolVersion, FrozenSet<string> AllowedMethods);
