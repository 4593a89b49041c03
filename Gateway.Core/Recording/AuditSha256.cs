using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace McpGateway.Core.Recording;

/// <summary>
/// SHA-256 for the verifier's two hashes per record (<see cref="AuditChainBatch"/>), one instance per thread. Where the
/// process can load OpenSSL 3's libcrypto, it calls the library's plain SHA-256 functions on a context it owns: .NET's
/// hashing goes through OpenSSL's EVP layer, whose per-call work (clearing the error queue, freeing and setting up the
/// digest, reference counting the handle) cost more than hashing a 600-byte record (about 15 % of
/// <c>audit verify</c>'s CPU). The native functions are checked against <see cref="SHA256"/> once; if they cannot be
/// loaded or disagree, <see cref="IncrementalHash"/> does the work instead.
/// </summary>
internal sealed class AuditSha256 : IDisposable
{
    /// <summary>Room for OpenSSL's <c>SHA256_CTX</c> (112 bytes), with a margin.</summary>
    private const int ContextBytes = 256;

    private static readonly bool Native = NativeWorks();

    private readonly byte[]? _context;
    private readonly IncrementalHash? _managed;

    public AuditSha256()
    {
        if (Native)
        {
            _context = new byte[ContextBytes];
        }
        else
        {
            _managed = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        }
    }

    /// <summary>Whether the native functions are in use (for the tests and the figures).</summary>
    internal static bool IsNative => Native;

    /// <summary>Writes SHA-256 of <paramref name="data"/> to <paramref name="hash"/> (32 bytes).</summary>
    public void Hash(ReadOnlySpan<byte> data, Span<byte> hash)
    {
        if (_context is null)
        {
            _managed!.AppendData(data);
            _managed.GetHashAndReset(hash);
            return;
        }

        if (hash.Length < AuditHashChain.HashSize)
        {
            throw new ArgumentException("a SHA-256 hash needs 32 bytes", nameof(hash));
        }

        ref var context = ref _context[0];
        if (NativeMethods.SHA256_Init(ref context) != 1
            || NativeMethods.SHA256_Update(ref context, ref MemoryMarshal.GetReference(data), (nuint)data.Length) != 1
            || NativeMethods.SHA256_Final(ref MemoryMarshal.GetReference(hash), ref context) != 1)
        {
            throw new CryptographicException("OpenSSL's SHA-256 failed");
        }
    }

    public void Dispose() => _managed?.Dispose();

    private static bool NativeWorks()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            var context = new byte[ContextBytes];
            var data = new byte[1000];
            for (var i = 0; i < data.Length; i++)
            {
                data[i] = (byte)(i * 7);
            }

            Span<byte> hash = stackalloc byte[AuditHashChain.HashSize];
            foreach (var length in (ReadOnlySpan<int>)[0, 3, 55, 56, 64, 65, 1000])
            {
                var input = data.AsSpan(0, length);
                if (NativeMethods.SHA256_Init(ref context[0]) != 1
                    || NativeMethods.SHA256_Update(ref context[0], ref MemoryMarshal.GetReference(input), (nuint)input.Length) != 1
                    || NativeMethods.SHA256_Final(ref hash[0], ref context[0]) != 1
                    || !hash.SequenceEqual(SHA256.HashData(input)))
                {
                    return false;
                }
            }

            return true;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return false;
        }
    }

    /// <summary>OpenSSL's low-level SHA-256 (deprecated in 3.0, still exported); short calls that neither block nor call back.</summary>
    private static class NativeMethods
    {
        private const string Library = "libcrypto.so.3";

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        [SuppressGCTransition]
        public static extern int SHA256_Init(ref byte context);

        // Without SuppressGCTransition: a record's payload may be megabytes, and the GC must not wait for its hash.
        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        public static extern int SHA256_Update(ref byte context, ref byte data, nuint length);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
        [SuppressGCTransition]
        public static extern int SHA256_Final(ref byte hash, ref byte context);
    }
}
