using McpGateway.Core.Chain;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;
using McpGateway.Core.Identity;
using McpGateway.Inspectors.Policy;
using McpGateway.Inspectors.Approval;
using Microsoft.Extensions.Logging;

namespace McpGateway.Inspectors.Policy;

/// <summary>
/// Enforces the policy in force (read per frame from <see cref="PolicyMonitor"/>). From the client: a request the
/// policy refuses gets -31003 and never reaches the upstream; a refused notification is dropped. From the upstream:
/// sampling and elicitation requests are refused back to the upstream unless a rule allows them, and list responses
/// are rewritten to what the identity may use. Method and tool names are the framing layer's, already unescaped.
/// </summary>
/// <remarks>
/// A request an <c>approve</c> rule matches is handed to the <see cref="ApprovalGate"/>, which holds it until approvers
/// decide; the client's <c>notifications/cancelled</c> for a held request withdraws it. Without a gate (no approval store),
/// and for what cannot wait for a response (notifications, requests from the upstream), approve refuses with
/// <c>approval_required</c>: it never silently allows.
/// </remarks>
internal sealed class PolicyInspector(PolicyMonitor monitor, ILogger<PolicyInspector> logger, ApprovalGate? approvals = null) : IFrameInspector
{
    public const string InspectorName = "policy";

    private readonly ToolCatalog _catalog = new();

    public static readonly GatewayError ToolDefinitionChanged = new(GatewayErrorCode.Forbidden, "tool_definition_changed", "Forbidden: the tool's definition changed and awaits an operator's approval");

    public string Name => InspectorName;

    public InspectedDirections Directions => InspectedDirections.Both;

    public ValueTask<Verdict> InspectAsync(McpFrame frame, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Inspect(frame, cancellationToken));

    private Verdict Inspect(McpFrame frame, CancellationToken sessionEnd)
    {
        var session = frame.Session;
        var identity = session.Identity;
        var connection = session.ConnectionName;
        var method = frame.Method;
        if (identity is null || connection is null)
        {
            return Verdict.Reject(GatewayErrors.Unauthenticated);
        }

        if (method is null)
        {
            return Verdict.Forward;
        }

        var policy = monitor.Current;
        if (frame.Direction == FrameDirection.ClientToUpstream)
        {
            if (frame.Kind is not (MessageKind.Request or MessageKind.Notification))
            {
                // The client's answer to an upstream request: that request was already inspected.
                return Verdict.Forward;
            }

            var decision = policy.Evaluate(identity, connection, method, frame.ToolName, frame.Payload, PolicyMode.Call);
            var held = decision.Action == PolicyAction.Approve && frame.Kind == MessageKind.Request && approvals is not null && decision.Rule?.Approval is not null;
            if (!decision.IsAllowed && !held)
            {
                PolicyLog.Refused(logger, session.Id, method, frame.ToolName, decision.Error!.Reason, decision.RuleId);
                return Verdict.Reject(decision.Error);
            }

            if (frame.ToolName is { } tool && frame.Kind == MessageKind.Request && monitor.Pins.IsChanged(connection, tool))
            {
                PolicyLog.Refused(logger, session.Id, method, tool, ToolDefinitionChanged.Reason, null);
                return Verdict.Reject(ToolDefinitionChanged);
            }

            if (held)
            {
                return approvals!.Hold(frame, decision.Rule!, sessionEnd);
            }

            if (approvals is not null && frame.Kind == MessageKind.Notification && frame.Envelope.CancelledRequestId.IsValue && method == McpMethods.NotificationsCancelled)
            {
                approvals.Withdraw(session, frame.Envelope.CancelledRequestId);
            }

            return Verdict.Forward;
        }

        switch (frame.Kind)
        {
            case MessageKind.Request when method is McpMethods.SamplingCreateMessage or McpMethods.ElicitationCreate:
                var decision = policy.Evaluate(identity, connection, method, null, frame.Payload, PolicyMode.ServerToClient);
                if (decision.IsAllowed)
                {
                    return Verdict.Forward;
                }

                PolicyLog.ServerRequestRefused(logger, session.Id, method, decision.Error!.Reason, decision.RuleId);
                return Verdict.Reject(decision.Error);
            case MessageKind.Response when frame.Envelope.HasInputRequests:
                return CheckInputRequests(frame, policy, identity, connection);
            case MessageKind.Response or MessageKind.ErrorResponse when method == McpMethods.ToolsCall && frame.ToolName is { } tool && !_catalog.Knows(connection, tool):
                return AnswerForUnknownTool(frame, connection, tool);
            case MessageKind.Response:
                return FilterList(frame, policy, identity, connection, method);
            default:
                return Verdict.Forward;
        }
    }

    // A 2026-07-28 multi round-trip result: each entry passes the policy a server-to-client request of the older eras passes.
    private Verdict CheckInputRequests(McpFrame frame, CompiledPolicy policy, GatewayIdentity identity, string connection)
    {
        var refusal = InputRequestsCheck.FirstRefusal(frame.Payload, (policy, identity, connection), static (s, method, request) =>
        {
            if (method == McpMethods.RootsList)
            {
                // As in the older eras, where roots/list is relayed without a rule.
                return null;
            }

            var decision = s.policy.Evaluate(s.identity, s.connection, method, null, request, PolicyMode.ServerToClient);
            return decision.IsAllowed ? null : decision.Error ?? CompiledPolicy.NotAllowedByDefault;
        });
        if (refusal is null)
        {
            return Verdict.Forward;
        }

        PolicyLog.ServerRequestRefused(logger, frame.Session.Id, "input_required", refusal.Reason, refusal.Rule);
        return Verdict.Reject(refusal);
    }

    /// <summary>
    /// A call the policy let through to a tool no list showed: when the upstream says it failed, the client gets what a
    /// call to a tool hidden by the default gets, since the tool most likely does not exist. Failed means a JSON-RPC
    /// error (never a tool's own outcome) and, once a tool list of the connection was seen, also a result with
    /// <c>isError</c> (how current SDKs answer an unknown tool); before any list, such a result may be a real tool's
    /// failure and is relayed. A success proves the tool exists.
    /// </summary>
    private Verdict AnswerForUnknownTool(McpFrame frame, string connection, string tool)
    {
        if (!ToolCallResult.IsFailure(frame.Payload, includeToolErrors: _catalog.HasList(connection)))
        {
            _catalog.Add(connection, tool);
            return Verdict.Forward;
        }

        PolicyLog.Refused(logger, frame.Session.Id, McpMethods.ToolsCall, tool, CompiledPolicy.NotAllowedByDefault.Reason, null);
        return Verdict.Reject(CompiledPolicy.NotAllowedByDefault);
    }

    private Verdict FilterList(McpFrame frame, CompiledPolicy policy, GatewayIdentity identity, string connection, string method)
    {
        var context = new ListContext(policy, monitor.Pins, _catalog, identity, connection);
        byte[]? rewritten;
        int hidden, total;
        switch (method)
        {
            case McpMethods.ToolsList:
                rewritten = ListFilter.Filter(frame.Payload, "tools", context, static (c, name, tool) => name is not null && c.Listed(name) && c.IsPinned(name, tool) && c.MayUse(McpMethods.ToolsCall, name), out hidden, out total);
                break;
            case McpMethods.PromptsList:
                rewritten = ListFilter.Filter(frame.Payload, "prompts", context, static (c, _, _) => c.MayUse(McpMethods.PromptsGet, null), out hidden, out total);
                break;
            case McpMethods.ResourcesList:
                rewritten = ListFilter.Filter(frame.Payload, "resources", context, static (c, _, _) => c.MayUse(McpMethods.ResourcesRead, null), out hidden, out total);
                break;
            case McpMethods.ResourcesTemplatesList:
                rewritten = ListFilter.Filter(frame.Payload, "resourceTemplates", context, static (c, _, _) => c.MayUse(McpMethods.ResourcesRead, null), out hidden, out total);
                break;
            default:
                return Verdict.Forward;
        }

        if (rewritten is null)
        {
            return Verdict.Forward;
        }

        PolicyLog.ListFiltered(logger, frame.Session.Id, method, hidden, total);
        return Verdict.Replace(rewritten);
    }
}
