using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using McpGateway.Core.Configuration;
using McpGateway.Tests.EndToEnd.Hostile;
using McpGateway.Tests.EndToEnd.Support;
using Microsoft.Data.Sqlite;

namespace McpGateway.Tests.EndToEnd.Recording;

/// <summary>
/// The audit store's directory is read-only: sessions are refused with -31006 and <c>/readyz</c> names the store; once
/// the directory is writable again the gateway recovers by itself, without a restart.
/// </summary>
[TestFixture]
internal sealed class AuditStoreOutageTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private string _parent = null!;
    private bool _immutable;

    private string StoreDirectory => Path.Combine(_parent, "store");

    [SetUp]
    public void CreateDirectory()
    {
        _parent = Directory.CreateTempSubdirectory("mcpgw-audit-outage-").FullName;
        Directory.CreateDirectory(StoreDirectory);
    }

    [TearDown]
    public async Task DeleteDirectory()
    {
        await SetReadOnlyAsync(false);
        SqliteConnection.ClearAllPools();
        Directory.Delete(_parent, recursive: true);
    }

    /// <summary>chmod for an ordinary user; root ignores modes, so there the immutable attribute does it (chattr).</summary>
    private async Task SetReadOnlyAsync(bool readOnly)
    {
        if (_immutable || (readOnly && Environment.UserName == "root"))
        {
            using var chattr = Process.Start(new ProcessStartInfo("chattr", [readOnly ? "+i" : "-i", StoreDirectory]) { RedirectStandardError = true })!;
            await chattr.WaitForExitAsync();
            _immutable = readOnly && chattr.ExitCode == 0;
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            return;
        }

        File.SetUnixFileMode(StoreDirectory, readOnly
            ? UnixFileMode.UserRead | UnixFileMode.UserExecute
            : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private bool IsWritable()
    {
        try
        {
            File.WriteAllText(Path.Combine(StoreDirectory, "probe"), "x");
            File.Delete(Path.Combine(StoreDirectory, "probe"));
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static async Task<(HttpStatusCode Status, string Body)> ReadyzAsync(GatewayHarness gateway, CancellationToken cancellationToken)
    {
        using var response = await Http.GetAsync(new Uri(string.Create(CultureInfo.InvariantCulture, $"http://{gateway.Application.AdminEndpoint}/readyz")), cancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    [Test]
    [CancelAfter(30000)]
    public async Task StoreDirectoryReadOnly_SessionsRefusedWith31006AndNotReady_ThenRecoversWhenWritable(CancellationToken cancellationToken)
    {
        await SetReadOnlyAsync(true);
        if (IsWritable())
        {
            Assert.Ignore("this machine cannot make a directory read-only for the test's user (root without chattr)");
        }

        await using var spy = SpyUpstream.Start(SpyBehavior.Echo);
        var settings = GatewayHarness.Settings(GatewayHarness.Tcp("spy", spy.Port)) with
        {
            AdminEndpoint = new IPEndPoint(IPAddress.Loopback, 0),
            Audit = new AuditSettings(Path.Combine(StoreDirectory, "audit.db"), AuditSettings.DefaultQueueCapacity, TimeSpan.FromSeconds(1)),
        };
        await using var gateway = await GatewayHarness.StartAsync(settings, cancellationToken);

        JsonObject refused;
        await using (var client = await RawMcpClient.ConnectAsync(gateway.Endpoint, cancellationToken))
        {
            refused = await client.AuthenticateAsync(null, cancellationToken);
        }

        var down = await ReadyzAsync(gateway, cancellationToken);
        await SetReadOnlyAsync(false);
        var up = await ReadyzAsync(gateway, cancellationToken);
        await using var recovered = await gateway.ConnectAsync(null, cancellationToken);
        var pong = await recovered.RequestAsync("after", "ping", null, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That((int?)refused["error"]?["code"], Is.EqualTo(-31006), refused.ToJsonString());
            Assert.That((string?)refused["error"]?["data"]?["reason"], Is.EqualTo("audit_unavailable"));
            Assert.That(down.Status, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(down.Body, Does.Contain("audit:store"));
            Assert.That(up.Status, Is.EqualTo(HttpStatusCode.OK), up.Body);
            Assert.That(pong["result"], Is.Not.Null, pong.ToJsonString());
            Assert.That(File.Exists(Path.Combine(StoreDirectory, "audit.db")), Is.True);
        });
    }
}
