using System.Security.Cryptography;
using McpGateway.Core.Recording;

namespace McpGateway.Host.Commands;

/// <summary>The checkpoint signing key's public half, read from a PEM file for the commands that check signatures.</summary>
internal static class CheckpointPublicKey
{
    /// <summary>The key in <paramref name="path"/>; null, having said why on <paramref name="error"/>, when it cannot be read or is no such key.</summary>
    public static async Task<ECDsa?> ReadAsync(string path, TextWriter error, CancellationToken cancellationToken)
    {
        try
        {
            return CheckpointSigner.PublicKeyFromPem(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or CryptographicException)
        {
            await error.WriteLineAsync($"mcpgw: cannot use {path} as the checkpoint public key: {ex.Message}").ConfigureAwait(false);
            return null;
        }
    }
}
