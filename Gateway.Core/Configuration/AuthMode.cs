namespace McpGateway.Core.Configuration;

public enum AuthMode
{
    /// <summary>Development only: any token is accepted and the subject is <c>anonymous</c>.</summary>
    None,
}
