using System.Collections.Frozen;
using McpGateway.Core.Chain;
using McpGateway.Core.Framing;

namespace McpGateway.Inspectors.External;

/// <summary>
/// What an inspector asked for in <c>hello</c>, capped by its configuration: only frames it <see cref="Wants"/> cross
/// the process boundary; every other frame is forwarded without a call.
/// </summary>
internal sealed class InspectorInterest
{
    public const int ProtocolVersion = 1;

    private readonly FrozenSet<string>? _methods;
    private readonly int _kinds;

    private InspectorInterest(InspectedDirections directions, FrozenSet<string>? methods, int kinds, TimeSpan budget, int maxConcurrency)
    {
        Directions = directions;
        _methods = methods;
        _kinds = kinds;
        Budget = budget;
        MaxConcurrency = maxConcurrency;
    }

    public InspectedDirections Directions { get; }

    public TimeSpan Budget { get; }

    public int MaxConcurrency { get; }

    /// <summary>The method names asked for; null for every method.</summary>
    public IReadOnlyCollection<string>? Methods => _methods;

    public bool Wants(McpFrame frame)
    {
        if (!Directions.Includes(frame.Direction) || (_kinds & (1 << (int)frame.Kind)) == 0)
        {
            return false;
        }

        return _methods is null || (frame.Method is { } method && _methods.Contains(method));
    }

    /// <summary>The interest a hello reply declares, or the reason it cannot be used.</summary>
    public static InspectorInterest Parse(HelloReply reply, ExternalInspectorSettings settings, out string? error)
    {
        ArgumentNullException.ThrowIfNull(reply);
        ArgumentNullException.ThrowIfNull(settings);
        error = null;
        if (reply.ProtocolVersion != ProtocolVersion)
        {
            error = $"it speaks protocol version {reply.ProtocolVersion}; the gateway speaks {ProtocolVersion}";
            return None;
        }

        var directions = InspectedDirections.None;
        foreach (var direction in reply.Directions ?? [])
        {
            directions |= direction switch
            {
                "clientToUpstream" => InspectedDirections.ClientToUpstream,
                "upstreamToClient" => InspectedDirections.UpstreamToClient,
                _ => Fail($"unknown direction '{direction}'", ref error),
            };
        }

        if (directions == InspectedDirections.None)
        {
            error ??= "it asks for no direction";
        }

        var methods = reply.Methods ?? [];
        if (methods.Count == 0 || methods.Any(string.IsNullOrEmpty))
        {
            error ??= "methods must name at least one method (or \"*\")";
        }

        var kinds = 0;
        foreach (var kind in reply.Kinds ?? ["request", "notification", "response", "error"])
        {
            kinds |= kind switch
            {
                "request" => 1 << (int)MessageKind.Request,
                "notification" => 1 << (int)MessageKind.Notification,
                "response" => 1 << (int)MessageKind.Response,
                "error" => 1 << (int)MessageKind.ErrorResponse,
                _ => FailKind($"unknown kind '{kind}'", ref error),
            };
        }

        if (reply.BudgetMs is <= 0 || reply.MaxConcurrency is <= 0)
        {
            error ??= "budgetMs and maxConcurrency must be positive";
        }

        var budget = reply.BudgetMs is { } ms && TimeSpan.FromMilliseconds(ms) < settings.Budget ? TimeSpan.FromMilliseconds(ms) : settings.Budget;
        var concurrency = Math.Min(reply.MaxConcurrency ?? settings.MaxConcurrency, settings.MaxConcurrency);
        return error is not null ? None : new InspectorInterest(directions, methods.Contains("*") ? null : methods.ToFrozenSet(StringComparer.Ordinal), kinds, budget, concurrency);

        static InspectedDirections Fail(string message, ref string? error)
        {
            error ??= message;
            return InspectedDirections.None;
        }

        static int FailKind(string message, ref string? error)
        {
            error ??= message;
            return 0;
        }
    }

    private static InspectorInterest None => new(InspectedDirections.None, FrozenSet<string>.Empty, 0, TimeSpan.Zero, 1);

    public override string ToString() =>
        $"{Directions} {(_methods is null ? "*" : string.Join(",", _methods.Order(StringComparer.Ordinal)))} budget={Budget.TotalMilliseconds}ms concurrency={MaxConcurrency}";
}
