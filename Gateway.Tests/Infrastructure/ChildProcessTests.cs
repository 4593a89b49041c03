using System.Globalization;
using NUnit.Framework;

namespace McpGateway.Tests.Infrastructure;

[TestFixture]
internal sealed class ChildProcessTests
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(10);

    [Test]
    [CancelAfter(30000)]
    public async Task WaitForLineAsync_LinePrinted_ReturnsFirstMatch(CancellationToken cancellationToken)
    {
        await using var child = ChildProcess.Start("node", ["-e", "console.log('noise'); console.log('READY 1'); console.log('READY 2')"]);

        var line = await child.WaitForLineAsync(l => l.StartsWith("READY", StringComparison.Ordinal), _timeout, cancellationToken);

        Assert.That(line, Is.EqualTo("READY 1"));
    }

    [Test]
    [CancelAfter(30000)]
    public async Task WaitForLineAsync_EnvironmentAndArguments_ArePassed(CancellationToken cancellationToken)
    {
        await using var child = ChildProcess.Start(
            "node",
            ["-e", "console.log(`${process.env.CHILD_TEST_VALUE}|${process.argv[1]}`)", "two words"],
            new Dictionary<string, string?> { ["CHILD_TEST_VALUE"] = "from-test" });

        var line = await child.WaitForLineAsync(_ => true, _timeout, cancellationToken);

        Assert.That(line, Is.EqualTo("from-test|two words"));
    }

    [Test]
    [CancelAfter(30000)]
    public async Task WaitForLineAsync_ProcessExitsWithoutMatch_ThrowsWithStderr(CancellationToken cancellationToken)
    {
        await using var child = ChildProcess.Start("node", ["-e", "console.error('boom on stderr'); process.exit(4)"]);

        var error = Assert.ThrowsAsync<InvalidOperationException>(
            () => child.WaitForLineAsync(l => l == "never", _timeout, cancellationToken));

        await child.WaitForExitAsync(cancellationToken);
        Assert.Multiple(() =>
        {
            Assert.That(error!.Message, Does.Contain("boom on stderr"));
            Assert.That(child.ExitCode, Is.EqualTo(4));
            Assert.That(child.StandardError, Is.EqualTo("boom on stderr"));
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task WaitForLineAsync_NoMatchInTime_ThrowsTimeoutException(CancellationToken cancellationToken)
    {
        await using var child = ChildProcess.Start("node", ["-e", "console.log('waiting'); setInterval(() => {}, 1000)"]);

        var error = Assert.ThrowsAsync<TimeoutException>(
            () => child.WaitForLineAsync(l => l == "never", TimeSpan.FromMilliseconds(500), cancellationToken));

        Assert.That(error!.Message, Does.Contain("waiting"));
    }

    [Test]
    [CancelAfter(30000)]
    [Platform(Include = "Linux")]
    public async Task DisposeAsync_ProcessWithChild_KillsWholeTree(CancellationToken cancellationToken)
    {
        const string Script =
            "const c = require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });" +
            "console.log('CHILD ' + c.pid); setInterval(() => {}, 1000);";
        var child = ChildProcess.Start("node", ["-e", Script]);
        int[] processIds;
        try
        {
            var line = await child.WaitForLineAsync(l => l.StartsWith("CHILD ", StringComparison.Ordinal), _timeout, cancellationToken);
            processIds = [child.Id, int.Parse(line["CHILD ".Length..], CultureInfo.InvariantCulture)];
            Assert.That(processIds.Where(IsRunning), Is.EquivalentTo(processIds));
        }
        finally
        {
            await child.DisposeAsync();
        }

        // Signals are delivered asynchronously; give the grandchild a moment to die.
        for (var attempt = 0; attempt < 100 && processIds.Any(IsRunning); attempt++)
        {
            await Task.Delay(50, cancellationToken);
        }

        Assert.That(processIds.Where(IsRunning), Is.Empty);
    }

    // Linux: a killed process may linger as a zombie until it is reaped; that counts as not running.
    private static bool IsRunning(int processId)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{processId}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..][0];
            return state is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }
}
