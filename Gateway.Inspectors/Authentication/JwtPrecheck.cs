using System.Buffers.Text;
using System.Text.Json;
using McpGateway.Core.Errors;

namespace McpGateway.Inspectors.Authentication;

/// <summary>
/// Everything a token must pass before a JWT library sees it: the size limit, exactly three base64url parts (a JWE has
/// five), a JSON header and payload without duplicate members, an allowed asymmetric <c>alg</c>, no <c>crit</c>, and no
/// header that names or carries a key (<c>jku</c>, <c>x5u</c>, <c>jwk</c>, <c>x5c</c>): the gateway never fetches a URL
/// named in a token and never trusts a key that came with it.
/// </summary>
internal static class JwtPrecheck
{
    /// <summary>The <c>typ</c> values of access tokens (RFC 9068) and of plain JWTs; Okta's access tokens have none.</summary>
    public static readonly string[] AllowedTypes = ["at+jwt", "application/at+jwt", "JWT"];

    private static readonly string[] _forbiddenHeaders = ["crit", "jku", "x5u", "jwk", "x5c"];

    private static readonly JsonDocumentOptions _strictJson = new() { AllowDuplicateProperties = false, MaxDepth = 32 };

    /// <summary>Null when the token may go on to signature validation, described by <paramref name="shape"/>.</summary>
    public static GatewayError? Check(string token, IReadOnlyList<string> allowedAlgorithms, int maxTokenBytes, out JwtShape? shape)
    {
        shape = null;

        // Every character of a JWS compact serialization is ASCII, so more characters than bytes allowed is too large.
        if (token.Length > maxTokenBytes)
        {
            return OidcErrors.TokenTooLarge;
        }

        var firstDot = token.IndexOf('.', StringComparison.Ordinal);
        var secondDot = firstDot < 0 ? -1 : token.IndexOf('.', firstDot + 1);
        if (secondDot < 0 || token.IndexOf('.', secondDot + 1) >= 0 || !IsBase64UrlOrDot(token))
        {
            return OidcErrors.MalformedToken;
        }

        var header = token.AsSpan(0, firstDot);
        var payload = token.AsSpan(firstDot + 1, secondDot - firstDot - 1);
        var signature = token.AsSpan(secondDot + 1);
        if (header.IsEmpty || payload.IsEmpty)
        {
            return OidcErrors.MalformedToken;
        }

        string algorithm;
        string? keyId = null;
        string? type = null;
        try
        {
            using var document = JsonDocument.Parse(Base64Url.DecodeFromChars(header), _strictJson);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return OidcErrors.MalformedToken;
            }

            if (!root.TryGetProperty("alg", out var alg) || alg.ValueKind != JsonValueKind.String
                || !allowedAlgorithms.Contains(alg.GetString()!, StringComparer.Ordinal))
            {
                // Missing, "none", HMAC, or anything else the configuration does not list.
                return OidcErrors.AlgorithmNotAllowed;
            }

            algorithm = alg.GetString()!;
            foreach (var name in _forbiddenHeaders)
            {
                if (root.TryGetProperty(name, out _))
                {
                    return OidcErrors.ForbiddenHeader;
                }
            }

            if (root.TryGetProperty("kid", out var kid))
            {
                if (kid.ValueKind != JsonValueKind.String || kid.GetString() is not { Length: > 0 } kidText)
                {
                    return OidcErrors.MalformedToken;
                }

                keyId = kidText;
            }

            if (root.TryGetProperty("typ", out var typ))
            {
                if (typ.ValueKind != JsonValueKind.String || !AllowedTypes.Contains(typ.GetString()!, StringComparer.Ordinal))
                {
                    return OidcErrors.MalformedToken;
                }

                type = typ.GetString();
            }
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return OidcErrors.MalformedToken;
        }

        if (signature.IsEmpty)
        {
            return OidcErrors.MalformedToken;
        }

        byte[] payloadBytes;
        try
        {
            payloadBytes = Base64Url.DecodeFromChars(payload);
            using var document = JsonDocument.Parse(payloadBytes, _strictJson);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return OidcErrors.MalformedToken;
            }
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return OidcErrors.MalformedToken;
        }

        shape = new JwtShape(algorithm, keyId, type, payloadBytes);
        return null;
    }

    private static bool IsBase64UrlOrDot(string token)
    {
        foreach (var c in token)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }
}
