namespace McpGateway.Inspectors.Masking;

/// <summary>A custom detector: every match of <see cref="Regex"/> is masked with the label <see cref="Name"/>.</summary>
internal sealed class CustomDetectorOptions
{
    public string? Name { get; set; }

    public string? Regex { get; set; }
}
