using Microsoft.AspNetCore.Routing;

namespace McpGateway.Core.Admin;

/// <summary>
/// A group of admin HTTP routes contributed by a feature (audit queries, approvals). Registered in DI; mapped on the
/// admin listener next to <c>/healthz</c>, <c>/readyz</c> and <c>/metrics</c>. Routes that reveal or change anything
/// authenticate their caller with <see cref="AdminCaller"/>.
/// </summary>
internal interface IAdminRoutes
{
    void Map(IEndpointRouteBuilder routes);
}
