using McpGateway.Core.Recording;
using Microsoft.Data.Sqlite;

namespace McpGateway.Tests.Recording;

/// <summary>
/// The fast reader <c>mcpgw audit verify</c> uses on SQLite stores (raw column reads): the edge values of a column
/// (NULL against empty, an empty payload, a stored hash of the wrong length) read exactly as they were hashed, so an
/// intact store verifies and a change between them is found.
/// </summary>
[TestFixture]
internal sealed class SqliteChainReaderTests
{
    private string _directory = null!;

    private string DatabasePath => Path.Combine(_directory, "audit.db");

    [SetUp]
    public async Task CreateStoreWithEdgeValues()
    {
        _directory = Directory.CreateTempSubdirectory("mcpgw-reader-").FullName;
        await using var store = SqliteAuditStoreTests.Open(DatabasePath);
        for (var n = 1; n <= 8; n++)
        {
            await store.AppendAsync(new AuditRecord
            {
                TimeMicros = 1_700_000_000_000_000 + n,
                Kind = AuditEventKind.Frame,
                SessionId = "s1",
                Subject = n % 2 == 0 ? "" : null,
                ClientId = n % 3 == 0 ? "" : "client-é",
                FrameSequence = n % 2 == 0 ? null : n,
                ErrorCode = n == 4 ? -31003 : null,
                Verdict = "forwarded",
                Payload = n switch { 5 => [], 6 => null, _ => [(byte)n, 0, 255] },
            }, CancellationToken.None);
        }
    }

    [TearDown]
    public void DeleteDirectory()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    [CancelAfter(20000)]
    public async Task Verify_NullEmptyAndNegativeValues_Intact(CancellationToken cancellationToken)
    {
        var (exit, output) = await VerifyAsync(cancellationToken);

        Assert.That(exit, Is.Zero, output);
        Assert.That(output, Does.Contain("8 records").And.Contain("intact"));
    }

    [TestCase("UPDATE audit_records SET subject = NULL WHERE seq = 4", "modified: record 4\n")]
    [TestCase("UPDATE audit_records SET subject = '' WHERE seq = 3", "modified: record 3\n")]
    [TestCase("UPDATE audit_records SET payload = NULL WHERE seq = 5", "modified: record 5\n")]
    [TestCase("UPDATE audit_records SET payload = x'' WHERE seq = 6", "modified: record 6\n")]
    public async Task Verify_NullSwappedForEmpty_Modified(string sql, string finding, CancellationToken cancellationToken)
    {
        await TamperAsync(sql, cancellationToken);

        var (exit, output) = await VerifyAsync(cancellationToken);

        Assert.That(exit, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain(finding));
    }

    [TestCase("hash || x'00'")]
    [TestCase("substr(hash, 1, 31)")]
    [TestCase("x''")]
    public async Task Verify_StoredHashOfTheWrongLength_Found(string value, CancellationToken cancellationToken)
    {
        await TamperAsync($"UPDATE audit_records SET hash = {value} WHERE seq = 5", cancellationToken);

        var (exit, output) = await VerifyAsync(cancellationToken);

        Assert.That(exit, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("record 5").And.Not.Contain("intact"));
    }

    private Task TamperAsync(string sql, CancellationToken cancellationToken) => SqliteAuditFile.TamperAsync(DatabasePath, sql, cancellationToken);

    private Task<(int Exit, string Output)> VerifyAsync(CancellationToken cancellationToken) => SqliteAuditFile.VerifyAsync(DatabasePath, cancellationToken, "--quiet");
}
