using System.Globalization;
using McpGateway.WebConsole.Access;
using McpGateway.WebConsole.Audit;
using McpGateway.WebConsole.Components;
using McpGateway.WebConsole.Live;
using McpGateway.Core.Admin;
using McpGateway.Inspectors.Approval;
using McpGateway.Core.Configuration;
using McpGateway.Core.Recording;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpGateway.WebConsole;

/// <summary>
/// The console's routes on the admin listener: the pages (Razor components, rendered on the server), its two assets,
/// sign-in and sign-out, the live views, and the two state changes, a vote (<c>POST
/// /console/approvals/{id}/decide</c>) and starting a verification (<c>POST /console/audit/verify</c>). Every POST
/// must carry the antiforgery token of the person's own form (else 400); each answers with a redirect to a page
/// (post, redirect, get).
/// </summary>
internal sealed class ConsoleRoutes(ConsoleSettings console, ConsoleAccess access, IAntiforgery antiforgery, TimeProvider timeProvider, ILoggerFactory loggerFactory) : IAdminRoutes
{
    public const string AssetsPath = "/console/assets";

    private static readonly Dictionary<string, string> Assets = new(StringComparer.Ordinal)
    {
        ["console.css"] = "text/css; charset=utf-8",
        ["console.js"] = "text/javascript; charset=utf-8",
    };

    private readonly ILogger _logger = loggerFactory.CreateLogger("McpGateway.WebConsole");

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapRazorComponents<App>();
        routes.MapGet(AssetsPath + "/{name}", AssetAsync);
        routes.MapGet("/console/signin", SignInAsync);
        routes.MapPost("/console/signout", SignOutAsync);
        routes.MapGet(ConsoleSchemes.LivePrefix + "{view}", LiveViews.StreamAsync).RequireAuthorization(ConsoleRequirement.Any);
        routes.MapPost("/console/approvals/{id}/decide", DecideAsync).RequireAuthorization(ConsoleRequirement.Approver);
        routes.MapPost("/console/audit/verify", VerifyAsync).RequireAuthorization(ConsoleRequirement.Auditor);
    }

    private static async Task AssetAsync(HttpContext context)
    {
        var name = (string)context.Request.RouteValues["name"]!;
        if (!Assets.TryGetValue(name, out var contentType)
            || typeof(ConsoleRoutes).Assembly.GetManifestResourceStream("McpGateway.WebConsole.Assets." + name) is not { } stream)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        await using (stream.ConfigureAwait(false))
        {
            context.Response.ContentType = contentType;
            context.Response.Headers.CacheControl = "no-cache";
            await stream.CopyToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>Starts a sign-in at the issuer; afterwards the browser returns to <c>returnUrl</c> when it is a console page.</summary>
    private static Task SignInAsync(HttpContext context)
    {
        var returnUrl = context.Request.Query["returnUrl"].ToString();
        var local = returnUrl.StartsWith(ConsoleSchemes.Root, StringComparison.Ordinal) && !returnUrl.StartsWith("//", StringComparison.Ordinal) && !returnUrl.Contains('\\', StringComparison.Ordinal)
            ? returnUrl : ConsoleSchemes.Root;
        return context.ChallengeAsync(ConsoleSchemes.OpenIdConnect, new AuthenticationProperties { RedirectUri = local });
    }

    private async Task SignOutAsync(HttpContext context)
    {
        if (!await ValidFormAsync(context).ConfigureAwait(false))
        {
            return;
        }

        await context.SignOutAsync(ConsoleSchemes.Cookie).ConfigureAwait(false);
        SeeOther(context, ConsoleSchemes.SignedOutPath);
    }

    private async Task DecideAsync(HttpContext context)
    {
        if (!await ValidFormAsync(context).ConfigureAwait(false) || access.Person(context.User) is not { } person)
        {
            return;
        }

        var id = (string)context.Request.RouteValues["id"]!;
        var form = context.Request.Form;
        var page = ConsoleSchemes.Root + "/approvals/" + Uri.EscapeDataString(id) + "?result=";
        var approve = form["decision"].ToString() switch
        {
            "approve" => true,
            "deny" => (bool?)false,
            _ => null,
        };
        if (approve is null)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var reason = form["reason"].ToString().Trim() is { Length: > 0 } text ? text : null;
        ApprovalGrantRequest? grant = null;
        if (approve == true && form["grant"].ToString() is { Length: > 0 } duration)
        {
            if (!TimeSpan.TryParseExact(duration, "c", CultureInfo.InvariantCulture, out var length) || length <= TimeSpan.Zero)
            {
                SeeOther(context, page + "invalid_grant");
                return;
            }

            grant = new ApprovalGrantRequest(length, form["sameArguments"].ToString() == "true");
        }

        if (approve == false && reason is null)
        {
            SeeOther(context, page + "reason_required");
            return;
        }

        var desk = context.RequestServices.GetRequiredService<IApprovalDesk>();
        string result;
        try
        {
            // Another group's request is as unknown to a vote here as in the admin API.
            var view = await desk.GetAsync(id, context.RequestAborted).ConfigureAwait(false);
            var voted = view is null || !view.ApproverGroups.Any(person.Groups.Contains) ? ApprovalVoteResult.NotFound
                : await desk.VoteAsync(id, person.Identity(console.ClientId, timeProvider.GetUtcNow() + console.SessionLifetime), new ApprovalVote(approve.Value, reason, grant), context.RequestAborted).ConfigureAwait(false);
            result = ApprovalAudit.ResultText(voted);
        }
        catch (System.Data.Common.DbException)
        {
            result = "unavailable";
        }

        ConsoleLog.Voted(_logger, person.Subject, approve.Value ? "approve" : "deny", id, result);
        SeeOther(context, page + result);
    }

    private async Task VerifyAsync(HttpContext context)
    {
        if (!await ValidFormAsync(context).ConfigureAwait(false) || access.Person(context.User) is not { } person)
        {
            return;
        }

        var verification = context.RequestServices.GetRequiredService<ConsoleVerification>();
        try
        {
            await verification.StartAsync(person, context.Connection.RemoteIpAddress?.ToString(), context.RequestAborted).ConfigureAwait(false);
        }
        catch (AuditUnavailableException)
        {
            // The run says why it did not start; the page shows it.
        }

        SeeOther(context, ConsoleSchemes.Root + "/audit");
    }

    /// <summary>False (and 400 written) unless the form carries the antiforgery token of this person's own console page.</summary>
    private async Task<bool> ValidFormAsync(HttpContext context)
    {
        if (context.Request.HasFormContentType && await antiforgery.IsRequestValidAsync(context).ConfigureAwait(false))
        {
            return true;
        }

        ConsoleLog.ForgedForm(_logger, context.Request.Path);
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync("This form did not come from your console page (its antiforgery token is missing or not yours). Reload the page and try again.\n", context.RequestAborted).ConfigureAwait(false);
        return false;
    }

    private static void SeeOther(HttpContext context, string location)
    {
        context.Response.StatusCode = StatusCodes.Status303SeeOther;
        context.Response.Headers.Location = location;
    }
}
