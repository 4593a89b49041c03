using NUnit.Framework;

namespace McpGateway.Tests.Infrastructure;

[TestFixture]
internal sealed class RepoPathsTests
{
    [Test]
    public void Root_FromTestAssembly_HoldsSolutionAndPeers()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Path.Combine(RepoPaths.Root, "McpGateway.sln"), Does.Exist);
            Assert.That(Path.Combine(RepoPaths.Peers, "package.json"), Does.Exist);
            Assert.That(RepoPaths.TcpServerScript, Does.Exist);
            Assert.That(RepoPaths.TsClientScript, Does.Exist);
        });
    }

    [Test]
    public void EntryPoints_AfterEnsureInstalled_Exist()
    {
        NodePeers.EnsureInstalled();

        Assert.Multiple(() =>
        {
            Assert.That(NodePeers.IsStale(), Is.False);
            Assert.That(RepoPaths.ServerEverythingJs, Does.Exist);
            Assert.That(RepoPaths.ServerFilesystemJs, Does.Exist);
            Assert.That(RepoPaths.ServerMemoryJs, Does.Exist);
        });
    }
}
