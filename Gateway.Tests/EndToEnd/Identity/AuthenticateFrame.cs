using System.Text.Json.Nodes;

namespace McpGateway.Tests.EndToEnd.Identity;

/// <summary>An <c>mcpgateway/authenticate</c> line as a client writes it, to pipeline other frames right behind it.</summary>
internal static class AuthenticateFrame
{
    public static string Of(string id, string token, string? connection)
    {
        var parameters = new JsonObject { ["token"] = token };
        if (connection is not null)
        {
            parameters["connection"] = connection;
        }

        return new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = "mcpgateway/authenticate", ["params"] = parameters }.ToJsonString();
    }
}
