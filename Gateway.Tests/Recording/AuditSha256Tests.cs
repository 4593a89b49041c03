using System.Security.Cryptography;
using McpGateway.Core.Recording;

namespace McpGateway.Tests.Recording;

/// <summary>The verifier's per-thread SHA-256: the same digest as .NET's for every length around the block edges, and OpenSSL's own functions where the process has them.</summary>
[TestFixture]
internal sealed class AuditSha256Tests
{
    [Test]
    public void Hash_EveryLengthUpTo1100Bytes_MatchesSha256()
    {
        var data = new byte[1100];
        new Random(20).NextBytes(data);
        using var sha = new AuditSha256();
        var hash = new byte[32];
        for (var length = 0; length <= data.Length; length++)
        {
            sha.Hash(data.AsSpan(0, length), hash);
            Assert.That(hash, Is.EqualTo(SHA256.HashData(data.AsSpan(0, length))), $"length {length}");
        }
    }

    [Test]
    public void Hash_EmptyInput_IsTheEmptyDigest()
    {
        using var sha = new AuditSha256();
        var hash = new byte[32];

        sha.Hash(default, hash);

        Assert.That(Convert.ToHexStringLower(hash), Is.EqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    }

    [Test]
    public void Hash_DestinationShorterThanAHash_Throws()
    {
        using var sha = new AuditSha256();

        Assert.That(() => sha.Hash([1, 2, 3], new byte[31]), Throws.ArgumentException);
    }

    [Test]
    public void IsNative_LinuxWithOpenSsl3_UsesLibcrypto()
    {
        Assume.That(OperatingSystem.IsLinux() && File.Exists("/usr/lib/x86_64-linux-gnu/libcrypto.so.3"), "OpenSSL 3 at its Debian/Ubuntu path");

        Assert.That(AuditSha256.IsNative, Is.True);
    }
}
