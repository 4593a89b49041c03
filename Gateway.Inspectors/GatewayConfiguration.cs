using McpGateway.Core.Configuration;
using McpGateway.Inspectors.Approval;
using McpGateway.Inspectors.External;
using McpGateway.Inspectors.Masking;
using McpGateway.Inspectors.Policy;
using Microsoft.Extensions.Configuration;

namespace McpGateway.Inspectors;

/// <summary>
/// The gateway's configuration file with the sections of every built-in feature: what <c>serve</c>, <c>config check</c>
/// and the other commands read. A new feature adds its <see cref="ISettingsSection"/> to <see cref="Sections"/>.
/// </summary>
internal static class GatewayConfiguration
{
    /// <summary>
    /// In the order they run: approvals default on with a policy; masking checks the profiles the policy's rules name; an
    /// out-of-process inspector's approval needs the approvals.
    /// </summary>
    public static IReadOnlyList<ISettingsSection> Sections { get; } = [new PolicySection(), new ApprovalSection(), new MaskingSection(), new ExternalInspectorsSection()];

    /// <inheritdoc cref="GatewaySettingsLoader.LoadFile"/>
    public static GatewaySettings LoadFile(string path) => GatewaySettingsLoader.LoadFile(path, Sections);

    public static GatewaySettings Load(IConfiguration configuration, string baseDirectory) => GatewaySettingsLoader.Load(configuration, baseDirectory, Sections);
}
