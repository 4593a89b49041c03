using McpGateway.Core.Configuration;

namespace McpGateway.Inspectors.Masking;

/// <summary>The masking profiles among a snapshot's <see cref="GatewaySettings.Features"/>.</summary>
internal static class MaskingSettingsExtensions
{
    extension(GatewaySettings settings)
    {
        /// <summary>Masking profiles; null when masking is not configured.</summary>
        public MaskingSettings? Masking => settings.Features.Get<MaskingSettings>();
    }
}
