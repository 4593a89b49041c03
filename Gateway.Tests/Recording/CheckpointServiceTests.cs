using McpGateway.Core.Recording;
using McpGateway.Inspectors.Recording;
using McpGateway.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpGateway.Tests.Recording;

[TestFixture]
internal sealed class CheckpointServiceTests
{
    [Test]
    [CancelAfter(20000)]
    public async Task Service_IdleStore_SignsALinkedChainAtStartEveryIntervalAndOnStop(CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("mcpgw-checkpoint-").FullName;
        try
        {
            var keyPath = Path.Combine(directory, "key.pem");
            var (privateKey, publicKey) = CheckpointSigner.GenerateKey();
            await File.WriteAllTextAsync(keyPath, privateKey, cancellationToken);
            var time = new ManualTimeProvider();
            await using var store = SqliteAuditStoreTests.Open(Path.Combine(directory, "audit.db"));
            await store.AppendAsync(new AuditRecord { TimeMicros = 1, Kind = AuditEventKind.SessionStart, SessionId = "s" }, cancellationToken);
            using var signer = CheckpointSigner.FromPemFile(keyPath);
            using var service = new CheckpointService(store, signer, TimeSpan.FromSeconds(60), time, NullLogger.Instance);

            // As the host runs it: the start checkpoint before any service starts, then the loop.
            await service.StartingAsync(cancellationToken);
            await service.StartAsync(cancellationToken);
            // The service's loop starts on its own thread: the clock moves in small steps until two idle intervals were signed.
            while (await CountAsync(store, cancellationToken) < 3)
            {
                time.Advance(TimeSpan.FromSeconds(1));
                await Task.Delay(5, cancellationToken);
            }

            await service.StopAsync(cancellationToken);
            await service.StoppedAsync(cancellationToken);

            var checkpoints = new List<AuditCheckpoint>();
            await foreach (var checkpoint in store.ReadCheckpointsAsync(cancellationToken))
            {
                checkpoints.Add(checkpoint);
            }

            using var verifier = CheckpointSigner.PublicKeyFromPem(publicKey);
            Assert.Multiple(() =>
            {
                Assert.That(checkpoints, Has.Count.GreaterThanOrEqualTo(4), "the start, two intervals and the stop");
                Assert.That(checkpoints.Select(c => c.Sequence), Is.All.EqualTo(1));
                Assert.That(checkpoints.Select(c => CheckpointSigner.Verify(verifier, c)), Is.All.True);
                Assert.That(checkpoints.Select(c => c.Counter), Is.EqualTo(Enumerable.Range(1, checkpoints.Count).Select(n => (long?)n)));
                Assert.That(checkpoints.Skip(1).Select((c, i) => c.PreviousDigest!.SequenceEqual(CheckpointSigner.Digest(checkpoints[i]))), Is.All.True, "each links to the one before");
                Assert.That(checkpoints[0].Kind, Is.EqualTo(CheckpointKind.Start));
                Assert.That(checkpoints[^1].Kind, Is.EqualTo(CheckpointKind.Stop));
                Assert.That(checkpoints.Skip(1).SkipLast(1).Select(c => c.Kind), Is.All.EqualTo(CheckpointKind.Periodic));
                Assert.That(checkpoints.Select(c => c.IntervalMillis), Is.All.EqualTo(60_000));
            });
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<int> CountAsync(SqliteAuditStore store, CancellationToken cancellationToken)
    {
        var count = 0;
        await foreach (var _ in store.ReadCheckpointsAsync(cancellationToken))
        {
            count++;
        }

        return count;
    }
}
