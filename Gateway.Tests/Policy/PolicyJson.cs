using System.Buffers;
using System.Text;
using McpGateway.Core.Identity;
using McpGateway.Inspectors.Policy;
using Microsoft.Extensions.Configuration;

namespace McpGateway.Tests.Policy;

/// <summary>Builds policies from the JSON an operator writes, and frames to evaluate them on.</summary>
internal static class PolicyJson
{
    public static readonly string[] Connections = ["db", "files"];

    public static GatewayIdentity Alice { get; } = new("alice", "agent-cli", ["mcp-users", "engineering"], DateTimeOffset.MaxValue, "hash");

    public static GatewayIdentity Admin { get; } = new("admin", "agent-admin", ["mcp-users", "mcp-admins"], DateTimeOffset.MaxValue, "hash");

    public static GatewayIdentity Nobody { get; } = new("nobody", null, [], DateTimeOffset.MaxValue, "hash");

    public static PolicyOptions Options(string policyJson)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes("{ \"policy\": " + policyJson + " }")))
            .Build();
        var options = new PolicyOptions();
        configuration.GetSection("policy").Bind(options);
        return options;
    }

    public static CompiledPolicy Compile(string policyJson)
    {
        var errors = new List<string>();
        var policy = PolicyCompiler.Compile(Options(policyJson), Connections, errors);
        Assert.That(errors, Is.Empty);
        return policy!;
    }

    public static List<string> Errors(string policyJson)
    {
        var errors = new List<string>();
        var policy = PolicyCompiler.Compile(Options(policyJson), Connections, errors);
        Assert.That(policy, Is.Null);
        return errors;
    }

    /// <summary>A <c>tools/call</c> frame; <paramref name="argumentsJson"/> is written as is, so it may carry escapes.</summary>
    public static ReadOnlySequence<byte> Call(string tool, string argumentsJson = "{}") =>
        new(Encoding.UTF8.GetBytes($$$"""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"{{{tool}}}","arguments":{{{argumentsJson}}}}}"""));

    public static PolicyDecision EvaluateCall(this CompiledPolicy policy, GatewayIdentity identity, string connection, string tool, string argumentsJson = "{}") =>
        policy.Evaluate(identity, connection, "tools/call", tool, Call(tool, argumentsJson), PolicyMode.Call);

    public static PolicyDecision EvaluateMethod(this CompiledPolicy policy, GatewayIdentity identity, string connection, string method, PolicyMode mode = PolicyMode.Call) =>
        policy.Evaluate(identity, connection, method, null, new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes($$"""{"jsonrpc":"2.0","id":1,"method":"{{method}}"}""")), mode);
}
