using Microsoft.AspNetCore.Builder;

namespace McpGateway.Core.Admin;

/// <summary>
/// Middleware a feature adds for the admin listener's requests (the web console: authentication, authorization,
/// antiforgery, security headers). Registered in DI; runs after the front door has taken its own requests, so nothing
/// here runs for MCP traffic.
/// </summary>
internal interface IAdminPipeline
{
    void Configure(IApplicationBuilder app);
}
