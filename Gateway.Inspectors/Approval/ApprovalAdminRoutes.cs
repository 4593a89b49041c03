using System.Globalization;
using System.Text.Json.Nodes;
using McpGateway.Core.Admin;
using McpGateway.Inspectors.Approval;
using McpGateway.Core.Identity;
using McpGateway.Core.Recording;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace McpGateway.Inspectors.Approval;

/// <summary>
/// The approvers' admin API: <c>GET /approvals[?state=S]</c>, <c>GET /approvals/{id}</c>, <c>POST
/// /approvals/{id}/approve</c> (optional body <c>{"reason", "grant": {"duration", "sameArguments"}}</c>) and <c>POST
/// /approvals/{id}/deny</c> (body <c>{"reason"}</c>, required). Callers present an OIDC bearer token of a member of
/// any group that may decide some held call (an approve rule's, or an out-of-process inspector's <c>approval</c>); the desk then applies the request's own rule (its groups, no self-approval,
/// distinct approvers, grant limits). A refused vote answers with its reason: 404 <c>not_found</c>, 409
/// <c>not_pending</c> or <c>already_voted</c>, 403 <c>self_approval</c> (or <c>not_an_approver</c>), 422
/// <c>grant_not_allowed</c>; a malformed request 400; a store that cannot be reached 503. Listing and showing reveal
/// only the requests whose approver groups the caller is in, and a vote on another group's request is 404 as well.
/// Arguments are shown masked, each label with the length it hides, and with the share hidden; approving a call that
/// hides more than <c>approvals.maxMaskedShare</c> (of all its arguments or of one string value), or whose masked span is
/// marked suspicious, needs a reveal group (403 <c>reveal_required</c>). <c>GET
/// /approvals/{id}/arguments</c> shows a reveal group's member the raw arguments, once the look is recorded (403
/// <c>reveal_not_allowed</c> for others; 409 <c>held_elsewhere</c> from an instance that does not hold the call).
/// </summary>
internal sealed class ApprovalAdminRoutes(IApprovalDesk desk, ApproverGroups approvers, ApprovalReveal reveal) : IAdminRoutes
{
    public const string Path = "/approvals";

    /// <summary>Bodies are a reason and a grant; anything longer is not a vote.</summary>
    public const int MaxBodyBytes = 16 * 1024;

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet(Path, Guarded(ListAsync));
        routes.MapGet(Path + "/{id}", Guarded(ShowAsync));
        routes.MapGet(Path + "/{id}/arguments", Guarded(RevealAsync));
        routes.MapPost(Path + "/{id}/approve", Guarded(context => VoteAsync(context, approve: true)));
        routes.MapPost(Path + "/{id}/deny", Guarded(context => VoteAsync(context, approve: false)));
    }

    /// <summary>A store that cannot be reached answers 503 <c>approvals_unavailable</c>, not a bare 500.</summary>
    private static RequestDelegate Guarded(RequestDelegate handler) => async context =>
    {
        try
        {
            await handler(context).ConfigureAwait(false);
        }
        catch (System.Data.Common.DbException) when (!context.Response.HasStarted)
        {
            await WriteAsync(context, StatusCodes.Status503ServiceUnavailable, Problem("approvals_unavailable", "the approval store cannot be reached")).ConfigureAwait(false);
        }
    };

    private Task<GatewayIdentity?> CallerAsync(HttpContext context) => AdminCaller.AuthenticateAsync(context, approvers.Current()).AsTask();

    private async Task ListAsync(HttpContext context)
    {
        if (await CallerAsync(context).ConfigureAwait(false) is not { } caller)
        {
            return;
        }

        ApprovalState? state = null;
        if (context.Request.Query.TryGetValue("state", out var states))
        {
            state = SqlApprovalStore.StateFromText(states.Count == 1 ? states[0] : null);
            if (state is null)
            {
                await WriteAsync(context, StatusCodes.Status400BadRequest, Problem("invalid_query", "state: one of pending, approved, denied, timed_out, withdrawn")).ConfigureAwait(false);
                return;
            }
        }

        if (context.Request.Query.Keys.Any(k => k != "state"))
        {
            await WriteAsync(context, StatusCodes.Status400BadRequest, Problem("invalid_query", "the only query parameter is state")).ConfigureAwait(false);
            return;
        }

        var views = await desk.ListAsync(state, context.RequestAborted).ConfigureAwait(false);
        await WriteAsync(context, StatusCodes.Status200OK, new JsonArray([.. views.Where(v => MayDecide(caller, v)).Select(View)])).ConfigureAwait(false);
    }

    private async Task ShowAsync(HttpContext context)
    {
        if (await CallerAsync(context).ConfigureAwait(false) is not { } caller)
        {
            return;
        }

        var view = await desk.GetAsync(Id(context), context.RequestAborted).ConfigureAwait(false);
        await (view is null || !MayDecide(caller, view)
            ? WriteAsync(context, StatusCodes.Status404NotFound, Problem("not_found", "no approval request has this id"))
            : WriteAsync(context, StatusCodes.Status200OK, View(view))).ConfigureAwait(false);
    }

    private async Task RevealAsync(HttpContext context)
    {
        if (await CallerAsync(context).ConfigureAwait(false) is not { } caller)
        {
            return;
        }

        (ApprovalReveal.Outcome Outcome, string? Arguments, string? Holder) result;
        try
        {
            result = await reveal.RevealAsync(Id(context), caller, context.RequestAborted).ConfigureAwait(false);
        }
        catch (AuditUnavailableException)
        {
            // A look that cannot be recorded is not given.
            await WriteAsync(context, StatusCodes.Status503ServiceUnavailable, Problem("audit_unavailable", "the look cannot be recorded, so the arguments are not shown")).ConfigureAwait(false);
            return;
        }

        var (outcome, arguments, holder) = result;
        await (outcome switch
        {
            ApprovalReveal.Outcome.Revealed => WriteAsync(context, StatusCodes.Status200OK, new JsonObject
            {
                ["id"] = Id(context),
                ["arguments"] = ApprovalJson.Arguments(arguments),
                ["revealedBy"] = caller.Subject,
            }),
            ApprovalReveal.Outcome.NotAllowed => WriteAsync(context, StatusCodes.Status403Forbidden, Problem("reveal_not_allowed", "you are in none of approvals.revealGroups")),
            ApprovalReveal.Outcome.NotPending => WriteAsync(context, StatusCodes.Status409Conflict, Problem("not_pending", "the request is no longer pending; its arguments are no longer held")),
            ApprovalReveal.Outcome.HeldElsewhere => WriteAsync(context, StatusCodes.Status409Conflict, Problem("held_elsewhere", $"the call is held by gateway instance {holder}; only that instance has its arguments")),
            _ => WriteAsync(context, StatusCodes.Status404NotFound, Problem("not_found", "no approval request has this id")),
        }).ConfigureAwait(false);
    }

    private JsonObject View(ApprovalView view) => ApprovalJson.View(view, reveal.MaxMaskedShare);

    private async Task VoteAsync(HttpContext context, bool approve)
    {
        if (await CallerAsync(context).ConfigureAwait(false) is not { } approver)
        {
            return;
        }

        var body = await ReadBodyAsync(context).ConfigureAwait(false);
        string? error = $"the body is over {MaxBodyBytes} bytes";
        var vote = body is null ? null : ApprovalJson.Vote(approve, body, out error);
        if (vote is not null && !approve && string.IsNullOrWhiteSpace(vote.Reason))
        {
            error = "reason: required to deny";
        }

        if (error is not null)
        {
            await WriteAsync(context, StatusCodes.Status400BadRequest, Problem("invalid_body", error)).ConfigureAwait(false);
            return;
        }

        // Another group's request is as unknown to a vote as to a look: its state and requester stay hidden.
        var id = Id(context);
        if (await desk.GetAsync(id, context.RequestAborted).ConfigureAwait(false) is not { } shown || !MayDecide(approver, shown))
        {
            await WriteAsync(context, StatusCodes.Status404NotFound, Problem("not_found", "no approval request has this id")).ConfigureAwait(false);
            return;
        }

        var result = await desk.VoteAsync(id, approver, vote!, context.RequestAborted).ConfigureAwait(false);
        var resultText = ApprovalAudit.ResultText(result);
        if (result is ApprovalVoteResult.Counted or ApprovalVoteResult.Decided)
        {
            var view = await desk.GetAsync(id, context.RequestAborted).ConfigureAwait(false);
            await WriteAsync(context, StatusCodes.Status200OK, new JsonObject
            {
                ["result"] = resultText,
                ["request"] = view is null ? null : View(view),
            }).ConfigureAwait(false);
            return;
        }

        var (status, message) = result switch
        {
            ApprovalVoteResult.NotFound => (StatusCodes.Status404NotFound, "no approval request has this id"),
            ApprovalVoteResult.NotPending => (StatusCodes.Status409Conflict, "the request is no longer pending (decided, timed out or withdrawn)"),
            ApprovalVoteResult.AlreadyVoted => (StatusCodes.Status409Conflict, "you already voted on this request; it needs distinct approvers"),
            ApprovalVoteResult.SelfApproval => (StatusCodes.Status403Forbidden, "nobody approves their own request"),
            ApprovalVoteResult.NotAnApprover => (StatusCodes.Status403Forbidden, "you are in none of this request's approver groups"),
            ApprovalVoteResult.RevealRequired => (StatusCodes.Status403Forbidden, string.Create(CultureInfo.InvariantCulture, $"masking hides more than {reveal.MaxMaskedShare * 100:0.#}% of this call's arguments or of one of their values, or a masked span holds shell or path syntax; only a member of approvals.revealGroups may approve it")),
            _ => (StatusCodes.Status422UnprocessableEntity, "the rule allows no grant, or not for that long"),
        };
        await WriteAsync(context, status, Problem(resultText, message)).ConfigureAwait(false);
    }

    /// <summary>Approvers see the requests whose own approver groups they are in (a rule's or an inspector's), not others'.</summary>
    private static bool MayDecide(GatewayIdentity caller, ApprovalView view) => view.ApproverGroups.Any(caller.Groups.Contains);

    private static string Id(HttpContext context) => (string)context.Request.RouteValues["id"]!;

    /// <summary>The request body, or null when it is longer than <see cref="MaxBodyBytes"/>.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static JsonObject Problem(string error, string message) => new() { ["error"] = error, ["message"] = message };

    private static Task WriteAsync(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }
}
