using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace McpGateway.Core.Framing;

/// <summary>
/// Every method any MCP protocol version defines, plus the gateway's own. Scanned frames name these methods
/// with the shared instances below, so comparing against them is cheap and a known method allocates nothing.
/// </summary>
public static class McpMethods
{
    public const string Initialize = "initialize";
    public const string Ping = "ping";
    public const string NotificationsInitialized = "notifications/initialized";
    public const string NotificationsCancelled = "notifications/cancelled";
    public const string NotificationsProgress = "notifications/progress";
    public const string NotificationsMessage = "notifications/message";
    public const string NotificationsResourcesUpdated = "notifications/resources/updated";
    public const string NotificationsResourcesListChanged = "notifications/resources/list_changed";
    public const string NotificationsToolsListChanged = "notifications/tools/list_changed";
    public const string NotificationsPromptsListChanged = "notifications/prompts/list_changed";
    public const string NotificationsRootsListChanged = "notifications/roots/list_changed";
    public const string NotificationsElicitationComplete = "notifications/elicitation/complete";
    public const string NotificationsSubscriptionsAcknowledged = "notifications/subscriptions/acknowledged";
    public const string NotificationsTasksStatus = "notifications/tasks/status";
    public const string ToolsList = "tools/list";
    public const string ToolsCall = "tools/call";
    public const string ResourcesList = "resources/list";
    public const string ResourcesRead = "resources/read";
    public const string ResourcesTemplatesList = "resources/templates/list";
    public const string ResourcesSubscribe = "resources/subscribe";
    public const string ResourcesUnsubscribe = "resources/unsubscribe";
    public const string PromptsList = "prompts/list";
    public const string PromptsGet = "prompts/get";
    public const string CompletionComplete = "completion/complete";
    public const string LoggingSetLevel = "logging/setLevel";
    public const string SamplingCreateMessage = "sampling/createMessage";
    public const string ElicitationCreate = "elicitation/create";
    public const string RootsList = "roots/list";
    public const string TasksGet = "tasks/get";
    public const string TasksResult = "tasks/result";
    public const string TasksList = "tasks/list";
    public const string TasksCancel = "tasks/cancel";
    public const string ServerDiscover = "server/discover";
    public const string SubscriptionsListen = "subscriptions/listen";

    /// <summary>The gateway's own method: the first frame on a TCP connection (wire contract).</summary>
    public const string Authenticate = "mcpgateway/authenticate";

    // Buckets by UTF-8 length; each bucket holds the few methods of that length.
    private static readonly (byte[] Utf8, string Name)[][] _byLength = BuildTable(
    [
        Initialize, Ping, NotificationsInitialized, NotificationsCancelled, NotificationsProgress,
        NotificationsMessage, NotificationsResourcesUpdated, NotificationsResourcesListChanged,
        NotificationsToolsListChanged, NotificationsPromptsListChanged, NotificationsRootsListChanged,
        NotificationsElicitationComplete, NotificationsSubscriptionsAcknowledged, NotificationsTasksStatus,
        ToolsList, ToolsCall, ResourcesList, ResourcesRead, ResourcesTemplatesList, ResourcesSubscribe,
        ResourcesUnsubscribe, PromptsList, PromptsGet, CompletionComplete, LoggingSetLevel, SamplingCreateMessage,
        ElicitationCreate, RootsList, TasksGet, TasksResult, TasksList, TasksCancel, ServerDiscover,
        SubscriptionsListen, Authenticate,
    ]);

    /// <summary>
    /// Resolves an unescaped UTF-8 method name to the shared instance of a known method, exactly spelled.
    /// </summary>
    internal static bool TryGetKnown(ReadOnlySpan<byte> unescapedUtf8, [NotNullWhen(true)] out string? method)
    {
        (byte[] Utf8, string Name)[][] table = _byLength;
        if ((uint)unescapedUtf8.Length < (uint)table.Length)
        {
            foreach ((byte[] utf8, string name) in table[unescapedUtf8.Length])
            {
                if (unescapedUtf8.SequenceEqual(utf8))
                {
                    method = name;
                    return true;
                }
            }
        }

        method = null;
        return false;
    }

    private static (byte[] Utf8, string Name)[][] BuildTable(string[] methods)
    {
        int longest = methods.Max(m => Encoding.UTF8.GetByteCount(m));
        var table = new (byte[] Utf8, string Name)[longest + 1][];
        for (int length = 0; length <= longest; length++)
        {
            table[length] = methods
                .Where(m => Encoding.UTF8.GetByteCount(m) == length)
                .Select(m => (Encoding.UTF8.GetBytes(m), m))
                .ToArray();
        }

        return table;
    }
}
