using System.Net;
using System.Text.Json.Nodes;
using McpGateway.Inspectors.Approval;
using McpGateway.Core.Configuration;
using McpGateway.Core.Identity;
using McpGateway.Core.Recording;
using McpGateway.Inspectors;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace McpGateway.Tests.EndToEnd.Approval;

/// <summary>
/// A gateway started from a real configuration file (auth none: every caller is <c>anonymous</c>) in front of the npm
/// server-filesystem over stdio, serving a fresh directory, so that whether a held write executed is visible on disk.
/// The policy allows everything but holds <c>write_file</c> (rule <c>writes</c>: one approval from <c>approvers</c>,
/// timeout one minute, grants up to ten minutes) and <c>create_directory</c> (rule <c>mkdir-two</c>: two approvals).
/// Recording (SQLite) and masking are on; notices go to a <see cref="CapturingNotifier"/>, and to two broken notifiers
/// (one fails, one hangs) that must change nothing. The admin listener takes a free port.
/// </summary>
internal sealed class ApprovalRig : IAsyncDisposable
{
    public static readonly GatewayIdentity Alice = new("alice", null, ["approvers"], DateTimeOffset.MaxValue, "hash-alice");
    public static readonly GatewayIdentity Bob = new("bob", null, ["approvers", "dba"], DateTimeOffset.MaxValue, "hash-bob");

    /// <summary>The identity every client of the rig has (auth none), here also in the approvers group.</summary>
    public static readonly GatewayIdentity Requester = new("anonymous", null, ["approvers"], DateTimeOffset.MaxValue, "hash-anonymous");

    public static readonly TimeSpan ApprovalTimeout = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(5);

    private readonly DirectoryInfo _directory;
    private readonly ManualTimeProvider? _clock;

    private ApprovalRig(DirectoryInfo directory, GatewayHarness gateway, CapturingNotifier notifier, ManualTimeProvider? clock)
    {
        _directory = directory;
        _clock = clock;
        Gateway = gateway;
        Notifier = notifier;
    }

    public GatewayHarness Gateway { get; }

    public CapturingNotifier Notifier { get; }

    /// <summary>What server-filesystem serves.</summary>
    public string Files => Path.Combine(_directory.FullName, "files");

    public string ConfigPath => Path.Combine(_directory.FullName, "gateway.json");

    /// <summary>The SQLite audit store's file.</summary>
    public string AuditPath => Path.Combine(_directory.FullName, "audit.db");

    public IApprovalDesk Desk => Gateway.Application.Services.GetRequiredService<IApprovalDesk>();

    public IAuditStore Audit => Gateway.Application.Services.GetRequiredService<IAuditStore>();

    public static string Config(string filesDirectory, string approvals, bool masking = true) => $$"""
        {
          "listen": "127.0.0.1:0",
          "auth": { "mode": "none" },
          "admin": { "listen": "127.0.0.1:0" },
          "limits": { "idleTimeout": "1.00:00:00" },
          "shutdownTimeout": "00:00:02",
          "connections": {
            "files": { "transport": "stdio", "command": "node", "args": [ {{JsonValue.Create(RepoPaths.ServerFilesystemJs).ToJsonString()}}, {{JsonValue.Create(filesDirectory).ToJsonString()}} ] }
          },
          "policy": {
            "default": "allow",
            "rules": [
              { "id": "writes", "action": "approve", "approverGroups": [ "approvers" ], "approvalTimeout": "00:01:00", "maxGrant": "00:10:00",
                "match": { "tools": [ "write_file" ] } },
              { "id": "mkdir-two", "action": "approve", "approverGroups": [ "approvers", "dba" ], "requiredApprovals": 2,
                "match": { "tools": [ "create_directory" ] } }
            ]
          },
          "audit": { "path": "audit.db" },
          {{(masking ? "\"masking\": { \"defaultProfile\": \"default\" }," : "")}}
          "approvals": {{approvals}}
        }
        """;

    /// <param name="clock">The gateway's clock; the system's when null.</param>
    /// <param name="approvals">The <c>approvals</c> section (default: the embedded SQLite store, progress every 5 s).</param>
    /// <param name="masking">Whether the configuration has a <c>masking</c> section.</param>
    public static async Task<ApprovalRig> StartAsync(ManualTimeProvider? clock, CancellationToken cancellationToken, string? approvals = null, bool masking = true)
    {
        var directory = Directory.CreateTempSubdirectory("mcpgw-approvals-");
        var files = Directory.CreateDirectory(Path.Combine(directory.FullName, "files")).FullName;
        var path = Path.Combine(directory.FullName, "gateway.json");
        await File.WriteAllTextAsync(path, Config(files, approvals ?? """{ "progressInterval": "00:00:05" }""", masking), cancellationToken);
        var settings = GatewayConfiguration.LoadFile(path);
        var notifier = new CapturingNotifier();
        var gateway = await GatewayHarness.StartAsync(settings, cancellationToken, services =>
        {
            if (clock is not null)
            {
                services.AddSingleton<TimeProvider>(clock);
            }

            // Broken notifiers next to the working one: they must delay and fail nothing.
            services.AddSingleton<IApprovalNotifier>(new BrokenNotifier(hang: true));
            services.AddSingleton<IApprovalNotifier>(new BrokenNotifier(hang: false));
            services.AddSingleton<IApprovalNotifier>(notifier);
        });
        return new ApprovalRig(directory, gateway, notifier, clock);
    }

    /// <summary>A client that authenticated and initialized; <paramref name="sessionId"/> is what its held calls carry.</summary>
    public Task<(RawMcpClient Client, string SessionId)> ConnectAsync(CancellationToken cancellationToken) =>
        ConnectAsync(Gateway.Endpoint, "test-token", cancellationToken);

    /// <summary>A client of the gateway at <paramref name="endpoint"/> that authenticated to <c>files</c> with <paramref name="token"/> and initialized.</summary>
    public static async Task<(RawMcpClient Client, string SessionId)> ConnectAsync(IPEndPoint endpoint, string token, CancellationToken cancellationToken)
    {
        var client = await RawMcpClient.ConnectAsync(endpoint, cancellationToken);
        var authenticated = await client.AuthenticateAsync("files", cancellationToken, token);
        var sessionId = (string?)authenticated["result"]?["sessionId"] ?? throw new InvalidOperationException(authenticated.ToJsonString());
        await client.InitializeAsync(cancellationToken);
        return (client, sessionId);
    }

    public static JsonObject WriteFile(string path, string content, JsonObject? meta = null)
    {
        var parameters = new JsonObject { ["name"] = "write_file", ["arguments"] = new JsonObject { ["path"] = path, ["content"] = content } };
        if (meta is not null)
        {
            parameters["_meta"] = meta;
        }

        return parameters;
    }

    public static Task SendCallAsync(RawMcpClient client, string id, JsonObject parameters, CancellationToken cancellationToken) =>
        client.SendAsync(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = "tools/call", ["params"] = parameters }, cancellationToken);

    /// <summary>The session's pending request for <paramref name="tool"/> that is not in <paramref name="seen"/>, once it exists.</summary>
    public Task<ApprovalView> WaitForPendingAsync(string sessionId, string tool, CancellationToken cancellationToken, params string[] seen) =>
        WaitForPendingAsync(Desk, sessionId, tool, cancellationToken, seen);

    /// <inheritdoc cref="WaitForPendingAsync(string, string, CancellationToken, string[])"/>
    public static async Task<ApprovalView> WaitForPendingAsync(IApprovalDesk desk, string sessionId, string tool, CancellationToken cancellationToken, params string[] seen)
    {
        while (true)
        {
            var pending = await desk.ListAsync(ApprovalState.Pending, cancellationToken);
            var match = pending.FirstOrDefault(v => v.SessionId == sessionId && v.Tool == tool && !seen.Contains(v.Id));
            if (match is not null)
            {
                return match;
            }

            await Task.Delay(20, cancellationToken);
        }
    }

    public async Task<ApprovalView> WaitForStateAsync(string id, ApprovalState state, CancellationToken cancellationToken)
    {
        while (true)
        {
            var view = await Desk.GetAsync(id, cancellationToken);
            if (view?.State == state)
            {
                return view;
            }

            await Task.Delay(20, cancellationToken);
        }
    }

    public async Task<List<StoredAuditRecord>> AuditOfAsync(string sessionId, CancellationToken cancellationToken)
    {
        var records = new List<StoredAuditRecord>();
        await foreach (var record in Audit.ReadAsync(1, cancellationToken))
        {
            if (record.Record.SessionId == sessionId)
            {
                records.Add(record);
            }
        }

        return records;
    }

    public async ValueTask DisposeAsync()
    {
        // The drain waits on the gateway's clock: a manual one has to move while the gateway stops.
        using var stopped = new CancellationTokenSource();
        var ticking = _clock is null ? Task.CompletedTask : Task.Run(async () =>
        {
            while (!stopped.IsCancellationRequested)
            {
                _clock.Advance(TimeSpan.FromMilliseconds(100));
                await Task.Delay(10, CancellationToken.None);
            }
        }, CancellationToken.None);
        await Gateway.DisposeAsync();
        await stopped.CancelAsync();
        await ticking;
        _directory.Delete(recursive: true);
    }
}
