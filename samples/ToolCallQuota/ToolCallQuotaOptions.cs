namespace McpGateway.Samples.ToolCallQuota;

/// <summary>Bound from <c>pluginOptions:toolCallQuota</c> in the gateway configuration.</summary>
public sealed class ToolCallQuotaOptions
{
    public int MaxCallsPerSession { get; set; } = 100;
}
