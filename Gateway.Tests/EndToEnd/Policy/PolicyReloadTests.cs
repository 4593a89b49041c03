using System.Text.Json.Nodes;
using static McpGateway.Tests.EndToEnd.Hostile.HostileWire;

namespace McpGateway.Tests.EndToEnd.Policy;

/// <summary>The policy reloads from the changed file without dropping sessions; a bad reload keeps the last good policy.</summary>
[TestFixture]
internal sealed class PolicyReloadTests
{
    private const string OnlyQuery = """{ "reloadInterval": "01:00:00", "rules": [ { "id": "query", "action": "allow", "match": { "tools": [ "query" ] } } ] }""";

    private const string QueryAndRm = """
        { "reloadInterval": "01:00:00", "rules": [
          { "id": "query", "action": "allow", "match": { "tools": [ "query" ] } },
          { "id": "rm-now-allowed", "action": "allow", "match": { "tools": [ "rm" ] } } ] }
        """;

    [Test]
    [CancelAfter(15000)]
    public async Task Reload_ChangedFile_SameSessionSeesNewPolicyOnNextFrame(CancellationToken cancellationToken)
    {
        await using var rig = await PolicyRig.StartAsync(OnlyQuery, cancellationToken);
        await using var client = await rig.ConnectAsync("spy", cancellationToken);
        var before = await CallRmAsync(client, "rm-1", cancellationToken);

        await rig.RewritePolicyAsync(QueryAndRm, cancellationToken);
        rig.Monitor.Poll();
        var revisionAfterFirstPoll = rig.Monitor.Current.Revision;
        rig.Monitor.Poll();
        var after = await CallRmAsync(client, "rm-2", cancellationToken);

        Assert.That((string?)before["error"]?["data"]?["reason"], Is.EqualTo("not_allowed_by_default"));
        Assert.That(revisionAfterFirstPoll, Is.EqualTo(1), "a change is applied once the file stayed the same for one more interval");
        Assert.That(rig.Monitor.Current.Revision, Is.EqualTo(2));
        Assert.That((string?)after["result"]?["echo"], Is.EqualTo("tools/call"), after.ToJsonString());
    }

    [Test]
    [CancelAfter(15000)]
    public async Task Reload_InvalidPolicy_KeepsLastGoodPolicy(CancellationToken cancellationToken)
    {
        await using var rig = await PolicyRig.StartAsync(QueryAndRm, cancellationToken);
        await using var client = await rig.ConnectAsync("spy", cancellationToken);

        await rig.RewritePolicyAsync("""
            { "rules": [ { "id": "x", "action": "allow", "match": { "connections": [ "nowhere" ],
              "arguments": { "sql": { "regex": "(" } } } } ] }
            """, cancellationToken);
        var reloaded = rig.Monitor.Reload();
        var after = await CallRmAsync(client, "rm-1", cancellationToken);

        Assert.That(reloaded, Is.False);
        Assert.That(rig.Monitor.Current.Revision, Is.EqualTo(1));
        Assert.That((string?)after["result"]?["echo"], Is.EqualTo("tools/call"), after.ToJsonString());
    }

    [Test]
    [CancelAfter(15000)]
    public async Task Reload_NotJson_KeepsLastGoodPolicy(CancellationToken cancellationToken)
    {
        await using var rig = await PolicyRig.StartAsync(OnlyQuery, cancellationToken);

        await File.WriteAllTextAsync(rig.ConfigPath, "{ this is not json", cancellationToken);

        Assert.That(rig.Monitor.Reload(), Is.False);
        Assert.That(rig.Monitor.Current.Revision, Is.EqualTo(1));
    }

    private static Task<JsonObject> CallRmAsync(Support.RawMcpClient client, string id, CancellationToken cancellationToken) =>
        client.RequestAsync(id, "tools/call", new JsonObject { ["name"] = "rm", ["arguments"] = new JsonObject() }, cancellationToken);
}
