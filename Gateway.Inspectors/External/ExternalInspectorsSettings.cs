namespace McpGateway.Inspectors.External;

/// <summary>The validated <c>externalInspectors</c> section, in the snapshot's <see cref="Core.Configuration.GatewaySettings.Features"/>.</summary>
internal sealed record ExternalInspectorsSettings(IReadOnlyList<ExternalInspectorSettings> Inspectors);
