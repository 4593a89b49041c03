namespace McpGateway.Inspectors.Policy;

/// <summary>What a policy evaluation is for.</summary>
internal enum PolicyMode
{
    /// <summary>A request or notification from the client; argument matchers run on its arguments.</summary>
    Call,

    /// <summary>Whether a listed tool may be shown: arguments are unknown, so a block that depends on them does not hide it, and an allow or approve that depends on them shows it.</summary>
    Visibility,

    /// <summary>A request from the upstream to the client (sampling, elicitation): only rules naming the method apply, and the default is deny.</summary>
    ServerToClient,
}
