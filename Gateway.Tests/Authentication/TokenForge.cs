using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace McpGateway.Tests.Authentication;

/// <summary>
/// Builds JWS tokens by hand, byte for byte, for the cases no provider would issue: forbidden headers on a validly
/// signed token, unknown key ids, HMAC with the public key, claims shaped oddly. Signs with the identity provider's own
/// private keys (its <c>OIDC_PRINT_JWKS</c> output) or with a stranger's key.
/// </summary>
internal sealed class TokenForge : IDisposable
{
    // Generating an RSA key takes up to seconds on a busy machine: one stranger per test run.
    private static readonly Lazy<RSA> _strangerKey = new(() => RSA.Create(2048));

    private readonly RSA _rsa;
    private readonly ECDsa? _ec;
    private readonly bool _ownsKeys;

    private TokenForge(RSA rsa, string rsaKeyId, ECDsa? ec, string? ecKeyId, bool ownsKeys = true)
    {
        _ownsKeys = ownsKeys;
        _rsa = rsa;
        _ec = ec;
        RsaKeyId = rsaKeyId;
        EcKeyId = ecKeyId;
    }

    public string RsaKeyId { get; }

    public string? EcKeyId { get; }

    /// <summary>The RSA public key as PEM text: what an "HS256 with the public key" attack uses as the HMAC secret.</summary>
    public string RsaPublicKeyPem => _rsa.ExportSubjectPublicKeyInfoPem();

    /// <summary>Signs with the keys of a private JWKS (<c>{"keys":[...]}</c>).</summary>
    public static TokenForge FromPrivateJwks(string jwks)
    {
        RSA? rsa = null;
        string? rsaKid = null;
        ECDsa? ec = null;
        string? ecKid = null;
        foreach (var key in JsonNode.Parse(jwks)!["keys"]!.AsArray())
        {
            switch ((string?)key!["kty"])
            {
                case "RSA":
                    rsa = RSA.Create(new RSAParameters
                    {
                        Modulus = Bytes(key, "n"), Exponent = Bytes(key, "e"), D = Bytes(key, "d"), P = Bytes(key, "p"),
                        Q = Bytes(key, "q"), DP = Bytes(key, "dp"), DQ = Bytes(key, "dq"), InverseQ = Bytes(key, "qi"),
                    });
                    rsaKid = (string?)key["kid"];
                    break;
                case "EC":
                    ec = ECDsa.Create(new ECParameters
                    {
                        Curve = ECCurve.NamedCurves.nistP256,
                        Q = new ECPoint { X = Bytes(key, "x"), Y = Bytes(key, "y") },
                        D = Bytes(key, "d"),
                    });
                    ecKid = (string?)key["kid"];
                    break;
            }
        }

        return new TokenForge(rsa ?? throw new ArgumentException("no RSA key in the JWKS"), rsaKid!, ec, ecKid);
    }

    /// <summary>A key nobody trusts.</summary>
    public static TokenForge Stranger() => new(_strangerKey.Value, "stranger", null, null, ownsKeys: false);

    /// <summary>The claims an access token from <paramref name="issuer"/> for agent-alice would have, valid for five minutes from <paramref name="now"/>.</summary>
    public static JsonObject Claims(string issuer, string audience, DateTimeOffset now, string subject = "agent-alice") => new()
    {
        ["iss"] = issuer,
        ["sub"] = subject,
        ["aud"] = audience,
        ["client_id"] = subject,
        ["groups"] = new JsonArray("mcp-users", "engineering"),
        ["iat"] = now.ToUnixTimeSeconds(),
        ["exp"] = now.ToUnixTimeSeconds() + 300,
        ["jti"] = Guid.NewGuid().ToString("N"),
    };

    /// <summary>An RS256 header with this forge's RSA kid, which callers may change before signing.</summary>
    public JsonObject RsaHeader() => new() { ["alg"] = "RS256", ["typ"] = "at+jwt", ["kid"] = RsaKeyId };

    public string SignRs256(JsonObject header, JsonObject payload) => SignRs256(header.ToJsonString(), payload.ToJsonString());

    /// <summary>Signs the exact header and payload text (so a test can write duplicate members).</summary>
    public string SignRs256(string header, string payload)
    {
        var input = Encode(header) + "." + Encode(payload);
        var signature = _rsa.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return input + "." + Base64Url.EncodeToString(signature);
    }

    public string SignEs256(JsonObject header, JsonObject payload)
    {
        var input = Encode(header.ToJsonString()) + "." + Encode(payload.ToJsonString());
        var signature = _ec!.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return input + "." + Base64Url.EncodeToString(signature);
    }

    /// <summary>HMAC-SHA256 over header.payload with <paramref name="secret"/> as the key.</summary>
    public static string SignHs256(JsonObject header, JsonObject payload, string secret)
    {
        var input = Encode(header.ToJsonString()) + "." + Encode(payload.ToJsonString());
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(input));
        return input + "." + Base64Url.EncodeToString(signature);
    }

    public static string Unsigned(JsonObject header, JsonObject payload) => Encode(header.ToJsonString()) + "." + Encode(payload.ToJsonString()) + ".";

    public static string Encode(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));

    public static string NewKeyId() => "kid-" + Guid.NewGuid().ToString("N")[..12].ToString(CultureInfo.InvariantCulture);

    private static byte[] Bytes(JsonNode key, string name) => Base64Url.DecodeFromChars((string)key[name]!);

    public void Dispose()
    {
        if (!_ownsKeys)
        {
            return;
        }

        _rsa.Dispose();
        _ec?.Dispose();
    }
}
