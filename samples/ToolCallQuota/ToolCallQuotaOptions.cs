using System.ComponentModel.DataAnnotations;

namespace McpGateway.Samples.ToolCallQuota;

/// <summary>Bound from <c>pluginOptions:toolCallQuota</c> in the gateway configuration; checked when the gateway starts.</summary>
public sealed class ToolCallQuotaOptions
{
    [Range(0, int.MaxValue, ErrorMessage = "maxCallsPerSession must not be negative")]
    public int MaxCallsPerSession { get; set; } = 100;
}
