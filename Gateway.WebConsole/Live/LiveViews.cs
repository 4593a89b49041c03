using System.Text;
using McpGateway.WebConsole.Access;
using McpGateway.WebConsole.Components.Fragments;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace McpGateway.WebConsole.Live;

/// <summary>
/// <c>GET /console/live/{view}</c>: server-sent events carrying a fragment of the page (the overview's counts, the
/// pending approvals, the verification's progress) rendered by the same component the page shows, sent whenever it
/// changes (checked every second) until the browser leaves, the sign-in ends, the person loses the group or the
/// gateway stops.
/// </summary>
internal static class LiveViews
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public static async Task StreamAsync(HttpContext context)
    {
        var (component, role) = (string?)context.Request.RouteValues["view"] switch
        {
            "overview" => (typeof(OverviewCounts), ConsoleRole.Any),
            "approvals" => (typeof(PendingApprovals), ConsoleRole.Approver),
            "verify" => (typeof(VerifyProgress), ConsoleRole.Auditor),
            _ => (null, ConsoleRole.Any),
        };
        var services = context.RequestServices;
        var access = services.GetRequiredService<ConsoleAccess>();
        if (component is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (!Allowed(access, context, role))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }

        var time = services.GetRequiredService<TimeProvider>();
        var loggerFactory = services.GetRequiredService<ILoggerFactory>();
        var expires = context.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult?.Properties?.ExpiresUtc;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        var parameters = component == typeof(PendingApprovals)
            ? ParameterView.FromDictionary(new Dictionary<string, object?> { [nameof(PendingApprovals.User)] = context.User })
            : ParameterView.Empty;
        string? last = null;
        var quietSince = time.GetTimestamp();
        using var timer = new PeriodicTimer(Interval, time);

        // Ends with the request, and when the gateway stops: an open stream must not hold up its shutdown.
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping);
        var cancellationToken = ending.Token;
        try
        {
            do
            {
                if ((expires is { } end && time.GetUtcNow() >= end) || !Allowed(access, context, role))
                {
                    return;
                }

                var html = await RenderAsync(services, loggerFactory, component, parameters).ConfigureAwait(false);
                if (html != last)
                {
                    last = html;
                    quietSince = time.GetTimestamp();
                    await context.Response.WriteAsync(Event(html), cancellationToken).ConfigureAwait(false);
                    await context.Response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
                else if (time.GetElapsedTime(quietSince) >= KeepAlive)
                {
                    quietSince = time.GetTimestamp();
                    await context.Response.WriteAsync(": keep-alive\n\n", cancellationToken).ConfigureAwait(false);
                    await context.Response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The browser left, or the gateway is stopping.
        }
    }

    private static bool Allowed(ConsoleAccess access, HttpContext context, ConsoleRole role) => access.Person(context.User) is { } person && role switch
    {
        ConsoleRole.Approver => person.IsApprover,
        ConsoleRole.Auditor => person.IsAuditor,
        _ => person.SeesAnything,
    };

    /// <summary>Renders <paramref name="component"/> alone, as the page would (a fresh renderer each time, so nothing piles up).</summary>
    public static async Task<string> RenderAsync(IServiceProvider services, ILoggerFactory loggerFactory, Type component, ParameterView parameters)
    {
        var renderer = new HtmlRenderer(services, loggerFactory);
        await using (renderer.ConfigureAwait(false))
        {
            return await renderer.Dispatcher.InvokeAsync(async () => (await renderer.RenderComponentAsync(component, parameters).ConfigureAwait(false)).ToHtmlString()).ConfigureAwait(false);
        }
    }

    /// <summary>One SSE message: every line of the fragment as a <c>data:</c> line (the browser joins them with newlines).</summary>
    public static string Event(string html)
    {
        var text = new StringBuilder();
        foreach (var line in html.Split('\n'))
        {
            text.Append("data: ").Append(line.TrimEnd('\r')).Append('\n');
        }

        return text.Append('\n').ToString();
    }
}
