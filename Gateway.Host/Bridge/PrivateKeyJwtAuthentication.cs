using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace McpGateway.Host.Bridge;

/// <summary>
/// <c>private_key_jwt</c> (RFC 7523 §2.2, OIDC Core §9): a short-lived JWT client assertion with iss = sub = client id,
/// aud = the token endpoint and a fresh jti, signed RS256 with an RSA key or ES256/ES384/ES512 with an EC key.
/// </summary>
internal sealed class PrivateKeyJwtAuthentication : IClientAuthentication, IDisposable
{
    public const string AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    private static readonly TimeSpan _lifetime = TimeSpan.FromMinutes(1);

    private readonly string _clientId;
    private readonly AsymmetricAlgorithm _key;
    private readonly SigningCredentials _credentials;
    private readonly TimeProvider _timeProvider;
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    private PrivateKeyJwtAuthentication(string clientId, AsymmetricAlgorithm key, SigningCredentials credentials, TimeProvider timeProvider)
    {
        _clientId = clientId;
        _key = key;
        _credentials = credentials;
        _timeProvider = timeProvider;
    }

    public string Method => "private_key_jwt";

    /// <summary>Loads the PEM private key now, so that a bad key stops the bridge before it dials.</summary>
    /// <exception cref="TokenUnavailableException">The file cannot be read or holds no RSA or EC private key.</exception>
    public static PrivateKeyJwtAuthentication Load(string clientId, string keyFile, string? keyId, TimeProvider timeProvider)
    {
        string pem;
        try
        {
            pem = File.ReadAllText(keyFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new TokenUnavailableException($"client key file '{keyFile}' cannot be read: {ex.Message}", ex);
        }

        if (pem.Contains("-----BEGIN EC PRIVATE KEY-----", StringComparison.Ordinal) || IsEcPkcs8(pem))
        {
            var ec = ECDsa.Create();
            try
            {
                ec.ImportFromPem(pem);
            }
            catch (Exception ex) when (ex is CryptographicException or ArgumentException)
            {
                ec.Dispose();
                throw new TokenUnavailableException($"client key file '{keyFile}' holds no usable EC private key: {ex.Message}", ex);
            }

            var algorithm = ec.KeySize switch
            {
                256 => SecurityAlgorithms.EcdsaSha256,
                384 => SecurityAlgorithms.EcdsaSha384,
                _ => SecurityAlgorithms.EcdsaSha512,
            };
            return new PrivateKeyJwtAuthentication(clientId, ec, new SigningCredentials(new ECDsaSecurityKey(ec) { KeyId = keyId }, algorithm), timeProvider);
        }

        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            rsa.Dispose();
            throw new TokenUnavailableException($"client key file '{keyFile}' holds no usable RSA or EC private key: {ex.Message}", ex);
        }

        if (rsa.KeySize < 2048)
        {
            rsa.Dispose();
            throw new TokenUnavailableException($"client key file '{keyFile}': an RSA key needs at least 2048 bits");
        }

        return new PrivateKeyJwtAuthentication(clientId, rsa, new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = keyId }, SecurityAlgorithms.RsaSha256), timeProvider);
    }

    /// <summary>A fresh, signed client assertion for <paramref name="audience"/>.</summary>
    public string CreateAssertion(string audience)
    {
        var now = _timeProvider.GetUtcNow().UtcDateTime;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _clientId,
            Audience = audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + _lifetime,
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Sub] = _clientId,
                [JwtRegisteredClaimNames.Jti] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            },
            SigningCredentials = _credentials,
        });
    }

    public void Apply(HttpRequestMessage request, List<KeyValuePair<string, string>> form, string tokenEndpoint)
    {
        form.Add(new("client_id", _clientId));
        form.Add(new("client_assertion_type", AssertionType));
        form.Add(new("client_assertion", CreateAssertion(tokenEndpoint)));
    }

    public void Dispose() => _key.Dispose();

    private static bool IsEcPkcs8(string pem)
    {
        if (!pem.Contains("-----BEGIN PRIVATE KEY-----", StringComparison.Ordinal))
        {
            return false;
        }

        using var probe = ECDsa.Create();
        try
        {
            probe.ImportFromPem(pem);
            return true;
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            return false;
        }
    }
}
