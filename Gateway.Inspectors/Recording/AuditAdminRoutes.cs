using System.Buffers;
using System.Text.Json;
using McpGateway.Core.Admin;
using McpGateway.Core.Configuration;
using McpGateway.Core.Recording;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace McpGateway.Inspectors.Recording;

/// <summary>
/// <c>GET /audit/records</c> on the admin listener: the filters of <c>mcpgw audit query</c> as query parameters
/// (<c>subject group connection tool verdict since until</c>), paging with <c>limit</c> (default
/// <see cref="DefaultLimit"/>, at most <see cref="MaxLimit"/>) and <c>after</c> (the last sequence of the previous
/// page; <c>X-Audit-Next-After</c> names it when the page is full), and <c>format=json</c> (an array, the default) or
/// <c>jsonl</c> (JSON lines). Callers present an OIDC bearer token of a member of <c>audit.auditorGroups</c>. Each
/// answered query leaves an <c>audit_read</c> record naming the caller and the range, committed before the page is
/// sent; when it cannot be committed the caller gets 503 <c>audit_unavailable</c> and no records.
/// </summary>
internal sealed class AuditAdminRoutes(IAuditStore store, AuditSettings settings, TimeProvider timeProvider) : IAdminRoutes
{
    public const string Path = "/audit/records";
    public const string NextAfterHeader = "X-Audit-Next-After";
    public const int DefaultLimit = 1000;
    public const int MaxLimit = 10_000;

    public void Map(IEndpointRouteBuilder routes) => routes.MapGet(Path, QueryAsync);

    private async Task QueryAsync(HttpContext context)
    {
        if (await AdminCaller.AuthenticateAsync(context, settings.AuditorGroups).ConfigureAwait(false) is not { } caller)
        {
            return;
        }

        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        var format = "json";
        foreach (var (name, values) in context.Request.Query)
        {
            if (values.Count != 1)
            {
                await AdminCaller.WriteProblemAsync(context, StatusCodes.Status400BadRequest, "invalid_query", null).ConfigureAwait(false);
                return;
            }

            if (name == "format" && values[0] is "json" or "jsonl")
            {
                format = values[0]!;
            }
            else if (Array.IndexOf(AuditQuery.OptionNames, name) >= 0)
            {
                parameters[name] = values[0]!;
            }
            else
            {
                await AdminCaller.WriteProblemAsync(context, StatusCodes.Status400BadRequest, "invalid_query", null).ConfigureAwait(false);
                return;
            }
        }

        var parsed = AuditQuery.Parse(parameters, TextWriter.Null);
        if (parsed is null || parsed.Limit > MaxLimit)
        {
            await AdminCaller.WriteProblemAsync(context, StatusCodes.Status400BadRequest, "invalid_query", null).ConfigureAwait(false);
            return;
        }

        var query = parsed.Limit is null ? new AuditQuery
        {
            Subject = parsed.Subject, Group = parsed.Group, Connection = parsed.Connection, Tool = parsed.Tool, Verdict = parsed.Verdict,
            Since = parsed.Since, Until = parsed.Until, After = parsed.After, Limit = DefaultLimit,
        } : parsed;
        var reader = new AuditReader(caller.Subject, "admin_api", caller.ClientId, string.Join('\n', caller.Groups), context.Connection.RemoteIpAddress?.ToString(), caller.TokenHash);
        await WriteAsync(context, query, reader, format == "jsonl").ConfigureAwait(false);
    }

    /// <summary>Streams the page; the next-page header needs the page first, so records are buffered up to the limit.</summary>
    private async Task WriteAsync(HttpContext context, AuditQuery query, AuditReader reader, bool lines)
    {
        var page = new List<StoredAuditRecord>();
        try
        {
            await foreach (var stored in query.MatchAsync(store, context.RequestAborted).ConfigureAwait(false))
            {
                page.Add(stored);
            }
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or IOException or InvalidOperationException)
        {
            await AdminCaller.WriteProblemAsync(context, StatusCodes.Status503ServiceUnavailable, "audit_unavailable", null).ConfigureAwait(false);
            return;
        }

        try
        {
            await store.AppendAsync(AuditReadRecord.Create(reader, "GET " + Path, query.Scope(), page, timeProvider), context.RequestAborted).ConfigureAwait(false);
        }
        catch (AuditUnavailableException)
        {
            // A read that leaves no trace is not answered.
            await AdminCaller.WriteProblemAsync(context, StatusCodes.Status503ServiceUnavailable, "audit_unavailable", null).ConfigureAwait(false);
            return;
        }

        if (page.Count == query.Limit)
        {
            context.Response.Headers[NextAfterHeader] = page[^1].Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        context.Response.ContentType = lines ? "application/x-ndjson; charset=utf-8" : "application/json; charset=utf-8";
        var writer = new Utf8JsonWriter(context.Response.BodyWriter);
        await using (writer.ConfigureAwait(false))
        {
            if (!lines)
            {
                writer.WriteStartArray();
            }

            foreach (var stored in page)
            {
                AuditQuery.WriteJson(writer, stored);
                if (lines)
                {
                    await writer.FlushAsync(context.RequestAborted).ConfigureAwait(false);
                    writer.Reset();
                    context.Response.BodyWriter.Write("\n"u8);
                }
            }

            if (!lines)
            {
                writer.WriteEndArray();
            }

            await writer.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        }
    }
}
