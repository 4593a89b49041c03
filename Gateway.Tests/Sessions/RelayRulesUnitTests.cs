using McpGateway.Core.Errors;
using McpGateway.Core.Framing;
using McpGateway.Core.Sessions;
using NUnit.Framework;

namespace McpGateway.Tests.Sessions;

[TestFixture]
internal sealed class RelayRulesUnitTests
{
    [TestCase(McpMethods.ToolsCall)]
    [TestCase(McpMethods.ResourcesRead)]
    [TestCase(McpMethods.PromptsGet)]
    [TestCase(McpMethods.SamplingCreateMessage)]
    [TestCase(McpMethods.ElicitationCreate)]
    [TestCase(McpMethods.RootsList)]
    [TestCase(McpMethods.Initialize)]
    [TestCase(McpMethods.TasksCancel)]
    [TestCase(McpMethods.SubscriptionsListen)]
    [TestCase(McpMethods.Authenticate)]
    [TestCase("mcpgateway/anything")]
    public void CheckNotification_RequestOrGatewayMethod_RequestAsNotification(string method)
    {
        Assert.That(RelayRules.CheckNotification(method), Is.SameAs(GatewayErrors.RequestAsNotification));
    }

    [TestCase(McpMethods.NotificationsCancelled)]
    [TestCase(McpMethods.NotificationsProgress)]
    [TestCase(McpMethods.NotificationsInitialized)]
    [TestCase("x-custom/notice")]
    public void CheckNotification_NotificationMethod_Null(string method)
    {
        Assert.That(RelayRules.CheckNotification(method), Is.Null);
    }

    [TestCase("ping", 7, true)]
    [TestCase("ping", null, false)]
    [TestCase(null, 7, false)]
    [TestCase(null, null, false)]
    public void IsAnswerableRequest_MethodAndId_OnlyBothTogether(string? method, int? id, bool expected)
    {
        var envelope = new FrameEnvelope(MessageKind.Request, id is { } value ? JsonRpcId.FromNumber(value) : JsonRpcId.None, method, false, null, JsonRpcId.None);

        Assert.That(RelayRules.IsAnswerableRequest(envelope), Is.EqualTo(expected));
    }

    [TestCase(null, true)]
    [TestCase("2024-11-05", true)]
    [TestCase("2025-11-25", true)]
    [TestCase("2026-07-28", false)]
    [TestCase("2027-01-01", false)]
    public void AllowsServerRequests_ByVersion(string? version, bool expected)
    {
        Assert.That(RelayRules.AllowsServerRequests(version), Is.EqualTo(expected));
    }

    [Test]
    public void CancellationFrame_Build_NamesTheRequestAndReason()
    {
        var frame = CancellationFrame.Build(JsonRpcId.FromString("a\"b"), CancellationFrame.TimedOut);

        Assert.That(System.Text.Encoding.UTF8.GetString(frame), Is.EqualTo(
            """{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"a\u0022b","reason":"the gateway stopped waiting: the request timed out"}}"""));
    }
}
