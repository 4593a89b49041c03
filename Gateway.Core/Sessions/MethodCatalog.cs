using McpGateway.Core.Framing;

namespace McpGateway.Core.Sessions;

/// <summary>
/// What the MCP schema (every era) says a method is, as far as relaying goes: which methods are requests (and so
/// never valid as notifications) and which belong to the gateway itself (and so never reach an upstream).
/// </summary>
internal static class MethodCatalog
{
    /// <summary>The prefix of the gateway's own methods.</summary>
    public const string GatewayPrefix = "mcpgateway/";

    private static readonly HashSet<string> RequestMethods = new(StringComparer.Ordinal)
    {
        McpMethods.Initialize, McpMethods.Ping, McpMethods.ToolsList, McpMethods.ToolsCall, McpMethods.ResourcesList,
        McpMethods.ResourcesRead, McpMethods.ResourcesTemplatesList, McpMethods.ResourcesSubscribe, McpMethods.ResourcesUnsubscribe,
        McpMethods.PromptsList, McpMethods.PromptsGet, McpMethods.CompletionComplete, McpMethods.LoggingSetLevel,
        McpMethods.SamplingCreateMessage, McpMethods.ElicitationCreate, McpMethods.RootsList, McpMethods.TasksGet,
        McpMethods.TasksResult, McpMethods.TasksList, McpMethods.TasksCancel, McpMethods.ServerDiscover,
        McpMethods.SubscriptionsListen, McpMethods.Authenticate,
    };

    /// <summary>A method some MCP version defines as a request (it expects a response), or one of the gateway's own.</summary>
    public static bool IsRequestMethod(string? method) => method is not null && (RequestMethods.Contains(method) || IsGatewayMethod(method));

    /// <summary>A method in the gateway's own namespace (<c>mcpgateway/*</c>), known or not.</summary>
    public static bool IsGatewayMethod(string? method) => method is not null && method.StartsWith(GatewayPrefix, StringComparison.Ordinal);
}
