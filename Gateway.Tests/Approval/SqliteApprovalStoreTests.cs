using McpGateway.Inspectors.Approval;
using McpGateway.Tests.Infrastructure;

namespace McpGateway.Tests.Approval;

/// <summary>The store contract on the embedded SQLite store, one fresh file per test.</summary>
[TestFixture]
internal sealed class SqliteApprovalStoreTests : ApprovalStoreContractTests
{
    private DirectoryInfo? _directory;

    [OneTimeSetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("mcpgw-approvals-");

    [OneTimeTearDown]
    public void DeleteDirectory() => _directory?.Delete(recursive: true);

    protected override IApprovalStore OpenStore(ManualTimeProvider clock) =>
        new SqliteApprovalStore(Path.Combine(_directory!.FullName, Guid.NewGuid().ToString("N"), "approvals.db"), clock);

    [Test]
    [CancelAfter(20000)]
    public async Task Store_NeverUsed_CreatesNoFile(CancellationToken cancellationToken)
    {
        var path = Path.Combine(_directory!.FullName, "unused", "approvals.db");
        await using (new SqliteApprovalStore(path, Clock))
        {
        }

        await Task.Yield();
        Assert.That(File.Exists(path), Is.False);
    }
}
