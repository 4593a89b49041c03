namespace McpGateway.Tests.Sessions;

/// <summary>The lines the session tests exchange.</summary>
internal static class SessionFrames
{
    public const string Authenticate = """{"jsonrpc":"2.0","id":0,"method":"mcpgateway/authenticate","params":{"token":"dev","connection":"test"}}""";

    public const string Initialize = """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""";

    public const string InitializeResult = """{"jsonrpc":"2.0","id":1,"result":{"protocolVersion":"2025-06-18","capabilities":{"tools":{}},"serverInfo":{"name":"s","version":"1"}}}""";

    public const string Initialized = """{"jsonrpc":"2.0","method":"notifications/initialized"}""";

    public const string LogMessage = """{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"marker"}}""";

    public static string Call(int id, string tool = "echo") =>
        $$$$"""{"jsonrpc":"2.0","id":{{{{id}}}},"method":"tools/call","params":{"name":"{{{{tool}}}}","arguments":{}}}""";

    public static string Result(int id) => $$$"""{"jsonrpc":"2.0","id":{{{id}}},"result":{"content":[]}}""";

    public static string Ping(int id) => $$$"""{"jsonrpc":"2.0","id":{{{id}}},"method":"ping"}""";

    public static string Cancelled(int id) => $$$"""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":{{{id}}}}}""";
}
