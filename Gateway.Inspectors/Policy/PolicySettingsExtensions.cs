using McpGateway.Core.Configuration;

namespace McpGateway.Inspectors.Policy;

/// <summary>The policy among a snapshot's <see cref="GatewaySettings.Features"/>.</summary>
internal static class PolicySettingsExtensions
{
    extension(GatewaySettings settings)
    {
        /// <summary>The policy the gateway starts with; null when the configuration has no policy section.</summary>
        public CompiledPolicy? Policy => settings.Features.Get<CompiledPolicy>();
    }
}
