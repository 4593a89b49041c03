using System.ComponentModel.DataAnnotations;

namespace McpGateway.Tests.Hosting;

/// <summary>Options of <see cref="GuardedInspector"/>, with DataAnnotations as a platform team would write them.</summary>
internal sealed class GuardOptions
{
    [Required]
    public string? Tenant { get; set; }

    [System.ComponentModel.DataAnnotations.Range(1, 100)]
    public int Limit { get; set; } = 10;

    /// <summary>Calls of this tool are refused.</summary>
    public string? BlockedTool { get; set; }
}
