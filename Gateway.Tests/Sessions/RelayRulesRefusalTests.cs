using System.Collections.Frozen;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;
using McpGateway.Core.Sessions;
using NUnit.Framework;

namespace McpGateway.Tests.Sessions;

/// <summary>What the session refuses before the chain, as pure functions of the envelope and the session's facts.</summary>
[TestFixture]
internal sealed class RelayRulesRefusalTests
{
    private static readonly SessionFacts Open = new(Draining: false, LifecycleOpen: true, ProtocolVersion: "2025-06-18", FrozenSet<string>.Empty);

    private static FrameEnvelope Request(string method, bool known = true) => new(MessageKind.Request, JsonRpcId.FromNumber(1), method, known, null, default);

    private static FrameEnvelope Notification(string method, bool known = true) => new(MessageKind.Notification, JsonRpcId.None, method, known, null, default);

    [Test]
    public void RefuseRequest_OpenSessionKnownMethod_Null()
    {
        Assert.That(RelayRules.RefuseRequest(FrameDirection.ClientToUpstream, Request(McpMethods.ToolsCall), Open), Is.Null);
    }

    [Test]
    public void RefuseRequest_Draining_ShuttingDownForClientRequestsOnly()
    {
        var draining = Open with { Draining = true };

        Assert.Multiple(() =>
        {
            Assert.That(RelayRules.RefuseRequest(FrameDirection.ClientToUpstream, Request(McpMethods.ToolsCall), draining), Is.SameAs(GatewayDrain.ShuttingDown));
            Assert.That(RelayRules.RefuseRequest(FrameDirection.UpstreamToClient, Request(McpMethods.SamplingCreateMessage), draining), Is.Null);
        });
    }

    [Test]
    public void RefuseRequest_UnknownMethod_MethodNotFoundUnlessConfigured()
    {
        var allowed = Open with { AllowedMethods = new[] { "x-vendor/thing" }.ToFrozenSet(StringComparer.Ordinal) };

        Assert.Multiple(() =>
        {
            Assert.That(RelayRules.RefuseRequest(FrameDirection.ClientToUpstream, Request("x-vendor/thing", known: false), Open), Is.SameAs(GatewayErrors.MethodNotFound));
            Assert.That(RelayRules.RefuseRequest(FrameDirection.ClientToUpstream, Request("x-vendor/thing", known: false), allowed), Is.Null);
        });
    }

    [TestCase("mcpgateway/anything", FrameDirection.ClientToUpstream)]
    [TestCase(McpMethods.Authenticate, FrameDirection.UpstreamToClient)]
    public void RefuseRequest_GatewayMethodWhereItMayNotGo_MethodNotFound(string method, FrameDirection direction)
    {
        Assert.That(RelayRules.RefuseRequest(direction, Request(method, known: method == McpMethods.Authenticate), Open), Is.SameAs(GatewayErrors.MethodNotFound));
    }

    [Test]
    public void RefuseRequest_ClientRenewalWithAuthenticate_Null()
    {
        Assert.That(RelayRules.RefuseRequest(FrameDirection.ClientToUpstream, Request(McpMethods.Authenticate), Open with { LifecycleOpen = false }), Is.Null);
    }

    [TestCase("2025-06-18", true)]
    [TestCase("2026-07-28", false)]
    public void RefuseRequest_ServerRequestByEra_AllowedOnlyBefore20260728(string version, bool allowed)
    {
        var refusal = RelayRules.RefuseRequest(FrameDirection.UpstreamToClient, Request(McpMethods.SamplingCreateMessage), Open with { ProtocolVersion = version });

        Assert.That(refusal, allowed ? Is.Null : Is.SameAs(GatewayErrors.MethodNotFound));
    }

    [TestCase(McpMethods.Ping, true)]
    [TestCase(McpMethods.Initialize, true)]
    [TestCase(McpMethods.ServerDiscover, true)]
    [TestCase(McpMethods.ToolsCall, false)]
    [TestCase(McpMethods.ToolsList, false)]
    public void RefuseRequest_BeforeInitialize_OnlyPingAndHandshakePass(string method, bool passes)
    {
        var refusal = RelayRules.RefuseRequest(FrameDirection.ClientToUpstream, Request(method), Open with { LifecycleOpen = false });

        Assert.That(refusal, passes ? Is.Null : Is.SameAs(GatewayErrors.NotInitialized));
    }

    [Test]
    public void RefuseNotification_RequestMethodWithoutId_Invalid()
    {
        Assert.That(RelayRules.RefuseNotification(FrameDirection.ClientToUpstream, Notification(McpMethods.ToolsCall), Open),
            Is.EqualTo(new NotificationRefusal(GatewayErrors.RequestAsNotification, NotificationFate.Invalid)));
    }

    [Test]
    public void RefuseNotification_UnknownMethod_Dropped()
    {
        Assert.That(RelayRules.RefuseNotification(FrameDirection.UpstreamToClient, Notification("x-vendor/notice", known: false), Open),
            Is.EqualTo(new NotificationRefusal(GatewayErrors.MethodNotFound, NotificationFate.Dropped)));
    }

    [Test]
    public void RefuseNotification_ClientBeforeInitialize_RejectedButUpstreamPasses()
    {
        var closed = Open with { LifecycleOpen = false };

        Assert.Multiple(() =>
        {
            Assert.That(RelayRules.RefuseNotification(FrameDirection.ClientToUpstream, Notification(McpMethods.NotificationsProgress), closed),
                Is.EqualTo(new NotificationRefusal(GatewayErrors.NotInitialized, NotificationFate.Rejected)));
            Assert.That(RelayRules.RefuseNotification(FrameDirection.UpstreamToClient, Notification(McpMethods.NotificationsProgress), closed), Is.Null);
        });
    }

    [TestCase(true, true, true)]
    [TestCase(false, true, false)]
    [TestCase(true, false, false)]
    public void IsBrokenResponse_IdWithoutMethod_True(bool hasId, bool noMethod, bool expected)
    {
        var envelope = new FrameEnvelope(MessageKind.Response, hasId ? JsonRpcId.FromNumber(2) : JsonRpcId.None, noMethod ? null : "x", false, null, default);

        Assert.That(RelayRules.IsBrokenResponse(envelope), Is.EqualTo(expected));
    }
}
