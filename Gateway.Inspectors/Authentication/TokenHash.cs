using System.Security.Cryptography;
using System.Text;

namespace McpGateway.Inspectors.Authentication;

/// <summary>What may be recorded or logged in place of a token: its SHA-256, never the token.</summary>
internal static class TokenHash
{
    public static string Of(string token) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>Enough of the hash to find a token in logs ("sha256:" and 12 hex digits).</summary>
    public static string Prefix(string tokenHash) => tokenHash.Length > 19 ? tokenHash[..19] : tokenHash;
}
