using System.Globalization;

namespace McpGateway.Benchmarks.Load;

/// <summary>The command line of <c>load</c>; see <see cref="Usage"/>.</summary>
internal sealed record LoadOptions
{
    public const string Usage = """
        usage: dotnet run -c Release --project Gateway.Benchmarks -- load [options]
          --connections 16,256        client connections per run (one run per value)
          --inflight 16               requests each connection keeps in flight (pipelined)
          --frame-bytes 256           size of each request line (and of each response)
          --response-bytes N          size of each response instead (e.g. 102400 for 100 KiB tool results)
          --payload filler            text of the responses: filler (x repeated) or log (log lines: timestamps, UUIDs,
                                      order ids, SHA-256 digests; nothing a masking detector matches)
          --masking off               off, on, or off,on: the gateway target without and/or with the masking inspector
                                      (default profile), in the same run; with masking the target is gateway+masking
          --seconds 10                measured seconds per target and connection count
          --warmup 3                  unmeasured seconds before each measurement (storm: 20)
          --targets direct,gateway,haproxy
                                      also: gateway-audit-full, gateway-audit-normal (the gateway recording into a
                                      fresh SQLite audit store, durability full / normal),
                                      gateway-full (the full chain: a policy allowing the load's tool after an
                                      argument rule that never matches, masking without hits, recording into SQLite
                                      with durability full),
                                      gateway-audit-pg (the gateway recording into a throwaway PostgreSQL cluster
                                      started by peers/pg-throwaway.sh, its own log),
                                      gateway-http (the gateway with an http connection to an HTTP upstream),
                                      gateway-extproc, gateway-extproc-idle (an out-of-process pass-through inspector
                                      asking for tools/call, or for a method the load never sends);
                                      dotnet-copy (a naive .NET relay in its own process: raw Socket accept, each
                                      direction NetworkStream.CopyToAsync, runtime defaults), kestrel-copy (a Kestrel
                                      ConnectionHandler copying its pipe to an upstream socket, the gateway's transport
                                      settings): the floor of what .NET relays, no framing;
                                      storm: haproxy in the targets adds a row of HAProxy relaying the same cycles
          --idle-connections 1000     idle authenticated connections for the memory probe (0: skip)
          --gateway-dll PATH          mcpgw.dll to run (default: Gateway.Host/bin/Release/net10.0/mcpgw.dll)
          --gateway-env K=V[,K=V]     extra environment variables for the gateway process (runtime knobs)
          --copy-env K=V[,K=V]        extra environment variables for the dotnet-copy and kestrel-copy processes
          --out PATH                  Markdown report (default: BenchmarkDotNet.Artifacts/load-results.md)
          --mode relay                relay: pipelined calls on long-lived connections (the options above);
                                      storm: connect + authenticate + one tools/call + close, in a loop, per worker
                                      http: Streamable HTTP clients (one session each, one call at a time; --connections
                                      is the client count) against server-everything directly and through the front door
                                      (to it over stdio, and to the direct rows' own process as an http upstream)
          --workers 32                storm: concurrent workers (each one connection at a time)
          --auth none,oidc,oidc-fresh storm: one gateway per value; oidc: each worker reuses one RS256 token from the
                                      in-process development issuer; oidc-fresh: every cycle a token never validated before
          --gateway-log-level NAME    storm: the gateway's logging.level (default: its own, Information)
          --warm-connections 0        storm: the gateway's connections.upstream.warmConnections (sockets connected to
                                      the upstream ahead of sessions; 0 connects per session)
        """;

    public static readonly IReadOnlyList<string> AllTargets = ["direct", "gateway", "gateway-audit-full", "gateway-audit-normal", FullChainTarget, "gateway-audit-pg", "gateway-http", DotnetCopyTarget, KestrelCopyTarget, "haproxy", .. ExternalInspectorTargets.All];

    /// <summary>Without <c>--targets</c>: the relays, not recording.</summary>
    public static readonly IReadOnlyList<string> DefaultTargets = ["direct", "gateway", "haproxy"];

    /// <summary>The recording targets and their <c>audit.durability</c>.</summary>
    public static readonly IReadOnlyDictionary<string, string> AuditTargets = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["gateway-audit-full"] = "full",
        ["gateway-audit-normal"] = "normal",
    };

    /// <summary>The naive .NET relay: <c>copy-relay --transport socket</c>, its own process.</summary>
    public const string DotnetCopyTarget = "dotnet-copy";

    /// <summary>Kestrel's transport copying bytes: <c>copy-relay --transport kestrel</c>, its own process.</summary>
    public const string KestrelCopyTarget = "kestrel-copy";

    /// <summary>The gateway with policy, masking and recording (durability full) together.</summary>
    public const string FullChainTarget = "gateway-full";

    public static readonly IReadOnlyList<string> AllAuthModes = ["none", "oidc", "oidc-fresh"];

    private static readonly IReadOnlyList<string> MaskingValues = ["off", "on"];

    /// <summary><c>relay</c> (default) or <c>storm</c>.</summary>
    public string Mode { get; init; } = "relay";

    public int Workers { get; init; } = 32;

    /// <summary>Storm: the gateway's warm upstream sockets (<c>connections.upstream.warmConnections</c>).</summary>
    public int WarmConnections { get; init; }

    public string? GatewayLogLevel { get; init; }

    public IReadOnlyList<string> AuthModes { get; init; } = AllAuthModes;

    public IReadOnlyList<int> Connections { get; init; } = [16, 256];

    public int InFlight { get; init; } = 16;

    public int FrameBytes { get; init; } = 256;

    /// <summary><c>--response-bytes</c>, or the request's size.</summary>
    public int? ResponseBytesGiven { get; init; }

    public int ResponseBytes => ResponseBytesGiven ?? FrameBytes;

    /// <summary><c>filler</c> or <c>log</c>.</summary>
    public string Payload { get; init; } = "filler";

    /// <summary>Run the gateway target without masking (<c>off</c>) and/or with it (<c>on</c>).</summary>
    public IReadOnlyList<string> Masking { get; init; } = ["off"];

    public int Seconds { get; init; } = 10;

    public int WarmupSeconds { get; init; } = 3;

    /// <summary>Whether <c>--warmup</c> was given; storm's default is longer (tiered JIT still compiles 3 s after the gateway starts).</summary>
    public bool WarmupGiven { get; init; }

    /// <summary>Storm's warmup: <c>--warmup</c>, or 20 s (on a loaded 2-core machine `perf` still found a fifth of a fresh gateway's CPU in the JIT 15 s after start).</summary>
    public int StormWarmupSeconds => WarmupGiven ? WarmupSeconds : 20;

    public IReadOnlyList<string> Targets { get; init; } = DefaultTargets;

    public int IdleConnections { get; init; } = 1000;

    public string? GatewayDll { get; init; }

    public IReadOnlyDictionary<string, string> GatewayEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary><c>--copy-env</c>: extra environment of the copy relays.</summary>
    public IReadOnlyDictionary<string, string> CopyEnvironment { get; init; } = new Dictionary<string, string>();

    public string Out { get; init; } = Path.Combine("BenchmarkDotNet.Artifacts", "load-results.md");

    /// <summary>Parses <paramref name="args"/>; null (and a message in <paramref name="error"/>) when they are wrong.</summary>
    public static LoadOptions? Parse(string[] args, out string? error)
    {
        var options = new LoadOptions();
        error = null;
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (i + 1 >= args.Length)
            {
                error = $"{name}: a value is required";
                return null;
            }

            var value = args[++i];
            try
            {
                options = name switch
                {
                    "--connections" => options with { Connections = Integers(value, 1, 20_000) },
                    "--inflight" => options with { InFlight = Integer(value, 1, 1024) },
                    "--frame-bytes" => options with { FrameBytes = Integer(value, 128, 1024 * 1024) },
                    "--response-bytes" => options with { ResponseBytesGiven = Integer(value, 128, 4 * 1024 * 1024) },
                    "--payload" => options with { Payload = value is "filler" or "log" ? value : throw new FormatException("payloads are filler, log") },
                    "--masking" => options with { Masking = ParseMasking(value) },
                    "--seconds" => options with { Seconds = Integer(value, 1, 600) },
                    "--warmup" => options with { WarmupSeconds = Integer(value, 0, 120), WarmupGiven = true },
                    "--targets" => options with { Targets = ParseTargets(value) },
                    "--idle-connections" => options with { IdleConnections = Integer(value, 0, 10_000) },
                    "--gateway-dll" => options with { GatewayDll = value },
                    "--gateway-env" => options with { GatewayEnvironment = ParseEnvironment(value) },
                    "--copy-env" => options with { CopyEnvironment = ParseEnvironment(value) },
                    "--out" => options with { Out = value },
                    "--mode" => options with { Mode = value is "relay" or "storm" or "http" ? value : throw new FormatException("modes are relay, storm, http") },
                    "--gateway-log-level" => options with { GatewayLogLevel = value },
                    "--workers" => options with { Workers = Integer(value, 1, 4096) },
                    "--warm-connections" => options with { WarmConnections = Integer(value, 0, 128) },
                    "--auth" => options with { AuthModes = ParseAuthModes(value) },
                    _ => throw new FormatException($"unknown option {name}"),
                };
            }
            catch (FormatException ex)
            {
                error = ex.Message.StartsWith("unknown", StringComparison.Ordinal) ? ex.Message : $"{name} {value}: {ex.Message}";
                return null;
            }
        }

        return options;
    }

    private static int Integer(string text, int min, int max)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new FormatException($"expected an integer from {min} to {max}");
        }

        return value;
    }

    private static int[] Integers(string text, int min, int max) =>
        [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(t => Integer(t, min, max))];

    private static Dictionary<string, string> ParseEnvironment(string text)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new FormatException("expected NAME=VALUE pairs separated by commas");
            }

            variables[pair[..equals]] = pair[(equals + 1)..];
        }

        return variables;
    }

    private static string[] ParseTargets(string text)
    {
        var targets = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => t.ToLowerInvariant())
            .Distinct()
            .ToArray();
        var known = AllTargets.ToArray();
        var unknown = targets.Where(t => !known.Contains(t)).ToArray();
        if (targets.Length == 0 || unknown.Length > 0)
        {
            throw new FormatException($"targets are {string.Join(", ", known)}");
        }

        // Always in the canonical order, so that ratios have their baseline first.
        return [.. known.Where(targets.Contains)];
    }

    private static string[] ParseMasking(string text)
    {
        var values = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(t => t.ToLowerInvariant()).Distinct().ToArray();
        if (values.Length == 0 || values.Any(v => v is not ("off" or "on")))
        {
            throw new FormatException("masking is off, on or off,on");
        }

        // Canonical order: the baseline (off) first.
        return [.. MaskingValues.Where(values.Contains)];
    }

    private static string[] ParseAuthModes(string text)
    {
        var modes = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => t.ToLowerInvariant())
            .Distinct()
            .ToArray();
        if (modes.Length == 0 || modes.Any(m => !AllAuthModes.Contains(m)))
        {
            throw new FormatException($"auth modes are {string.Join(", ", AllAuthModes)}");
        }

        // Canonical order: the baseline (none) first.
        return [.. AllAuthModes.Where(modes.Contains)];
    }
}
