using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using McpGateway.Core.Admin;
using McpGateway.Inspectors.Approval;
using McpGateway.Core.Chain;
using McpGateway.Core.Configuration;
using McpGateway.Core.Diagnostics;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;
using McpGateway.Inspectors.Masking;
using McpGateway.Inspectors.Policy;
using McpGateway.Core.Recording;
using Microsoft.Extensions.Logging;

namespace McpGateway.Inspectors.Approval;

/// <summary>
/// Holds calls that an <c>approve</c> rule matched until approvers decide. The policy inspector hands the call over
/// and gets a hold at once; the session parks a copy of the frame and keeps relaying other frames. The gate then uses a
/// grant that covers the call (forwarded, the use recorded), or records and then stores a request bound to the call's
/// exact arguments, tells the notifiers (off the frame path, arguments masked) and waits. Approved: the original bytes go on
/// through the rest of the chain. Denied: -31004 naming the approver and reason. No decision by the rule's deadline:
/// -31005. The client cancelling the call or going away withdraws the request, so a late vote finds it no longer pending.
/// Decisions made through any instance reach this one through the store; a periodic recheck covers missed news.
/// </summary>
internal sealed class ApprovalGate : IAsyncDisposable
{
    /// <summary>How often held calls are rechecked against the store, in case news of a decision was missed.</summary>
    public static readonly TimeSpan RecheckInterval = TimeSpan.FromSeconds(5);

    /// <summary>The identity already has <c>approvals.maxHeldPerIdentity</c> calls held on this instance.</summary>
    public static readonly GatewayError TooManyHeldCalls =
        new(GatewayErrorCode.Overloaded, "too_many_held_calls", "Overloaded: too many calls of this identity wait for approval");

    private static readonly object SessionKey = new();

    /// <summary>Why a call is held, for the verdict metrics (with the rule); a held call is never answered with it.</summary>
    private static readonly GatewayError HeldForApproval = new(GatewayErrorCode.Forbidden, "approval_required", "Held: this call waits for an approval");

    private readonly IApprovalStore _store;
    private readonly ApprovalAudit _audit;
    private readonly ApprovalSettings _settings;
    private readonly AdminAddress? _admin;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IRecordMasker? _masker;
    private readonly IApprovalNotifier[] _notifiers;
    private readonly ConcurrentDictionary<string, HeldApproval> _held = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _heldBySubject = new(StringComparer.Ordinal);
    private readonly Lock _heldGate = new();
    private readonly NoticeThrottle _notices;
    private readonly GatewayMetrics? _metrics;
    private readonly Lazy<MaskProfile> _noticeProfile;
    private readonly ITimer _recheck;

    public ApprovalGate(
        IApprovalStore store,
        ApprovalAudit audit,
        GatewaySettings gateway,
        TimeProvider time,
        ILogger<ApprovalGate> logger,
        IEnumerable<IApprovalNotifier> notifiers,
        IRecordMasker? masker = null,
        GatewayMetrics? metrics = null,
        AdminAddress? admin = null)
    {
        _store = store;
        _audit = audit;
        _admin = admin;
        _settings = gateway.Approvals ?? throw new ArgumentException("the settings carry no approvals section", nameof(gateway));
        _time = time;
        _logger = logger;
        _masker = masker;
        _notifiers = [.. notifiers];
        _noticeProfile = new Lazy<MaskProfile>(DefaultProfile);
        _notices = new NoticeThrottle(_settings.MaxNoticesPerWindow, _settings.NoticeWindow, time);
        _metrics = metrics;
        InstanceId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        _store.Changed += OnChanged;
        metrics?.ObserveApprovalsPending(() => _held.Count);
        _recheck = time.CreateTimer(static s => ((ApprovalGate)s!).RecheckAll(), this, RecheckInterval, RecheckInterval);
    }

    /// <summary>Names this instance in the requests it holds.</summary>
    public string InstanceId { get; }

    /// <summary>Calls held on this instance now.</summary>
    public int HeldCount => _held.Count;

    /// <summary>
    /// Holds <paramref name="frame"/> (a client request an approve rule matched). Everything the wait needs is copied
    /// from the borrowed frame before this returns.
    /// </summary>
    /// <param name="sessionEnd">Cancelled when the session ends: the request is then withdrawn.</param>
    public Verdict Hold(McpFrame frame, PolicyRule rule, CancellationToken sessionEnd)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(rule);
        var requirement = rule.Approval ?? throw new ArgumentException("not an approve rule", nameof(rule));
        var session = frame.Session;
        var isToolCall = frame.ToolName is not null && frame.Method == McpMethods.ToolsCall;
        var tool = isToolCall ? frame.ToolName! : frame.Method!;
        ApprovalRequest request;
        string? progressToken;
        string? rawArguments;
        try
        {
            var binding = ApprovalBinding.Read(frame.Payload, tool, isToolCall);
            progressToken = binding.ProgressToken;
            rawArguments = binding.RawArguments;
            var now = _time.GetUtcNow();
            request = new ApprovalRequest(
                Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
                InstanceId,
                session.Id,
                session.Identity!.Subject,
                session.ConnectionName!,
                tool,
                frame.Id.IsValue ? _masker?.MaskId(session, frame.Id) ?? frame.Id.ToString() : null,
                frame.Sequence,
                binding.ArgumentsHash,
                MaskedArguments(frame, isToolCall),
                rule.Id,
                requirement.ApproverGroups,
                requirement.RequiredApprovals,
                requirement.MaxGrant,
                now,
                now + requirement.Timeout);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException)
        {
            ApprovalLog.HoldFailed(_logger, session.Id, tool, ex);
            return Verdict.Reject(GatewayErrors.ApprovalUnavailable.WithRule(rule.Id));
        }

        // One identity cannot pile up held calls (each a stored request, timers and notices) without bound.
        if (!TryCountHeld(request.Subject, out var alreadyHeld))
        {
            ApprovalLimitLog.TooManyHeld(_logger, session.Id, request.Subject, alreadyHeld, tool);
            return Verdict.Reject(TooManyHeldCalls.WithRule(rule.Id));
        }

        // Known before anything awaits, so that the client's cancellation finds it however early it comes.
        var held = new HeldApproval(request, session, frame.Id, progressToken) { RawArguments = rawArguments };
        _held[request.Id] = held;
        Table(session)[frame.Id] = held;

        // The deadline, progress and the session's end run from now, before the request is visible to anyone.
        held.Deadline = _time.CreateTimer(static s => _ = ((Tuple<ApprovalGate, HeldApproval>)s!).Item1.FinishAsync(((Tuple<ApprovalGate, HeldApproval>)s).Item2, ApprovalState.TimedOut, null), Tuple.Create(this, held), request.ExpiresAt - request.CreatedAt, Timeout.InfiniteTimeSpan);
        if (held.ProgressToken is not null)
        {
            held.ProgressTimer = _time.CreateTimer(static s => _ = SendProgressAsync((HeldApproval)s!), held, _settings.ProgressInterval, _settings.ProgressInterval);
        }

        held.SessionEnd = sessionEnd.UnsafeRegister(static s => _ = ((Tuple<ApprovalGate, HeldApproval>)s!).Item1.FinishAsync(((Tuple<ApprovalGate, HeldApproval>)s).Item2, ApprovalState.Withdrawn, "the client went away"), Tuple.Create(this, held));

        return Verdict.Hold(WaitAsync(held), HeldForApproval.WithRule(rule.Id));
    }

    /// <summary>The raw arguments of request <paramref name="id"/> while this instance holds it; otherwise false.</summary>
    public bool TryGetHeldArguments(string id, out string? arguments)
    {
        arguments = _held.TryGetValue(id, out var held) && !held.IsFinished ? held.RawArguments : null;
        return held is not null && !held.IsFinished;
    }

    /// <summary>The client cancelled request <paramref name="id"/>: if it is held here, it is withdrawn.</summary>
    public void Withdraw(IGatewaySession session, JsonRpcId id)
    {
        if (session.Items.TryGetValue(SessionKey, out var table) && ((ConcurrentDictionary<JsonRpcId, HeldApproval>)table!).TryGetValue(id, out var held))
        {
            _ = FinishAsync(held, ApprovalState.Withdrawn, "cancelled by the client");
        }
    }

    private async Task<Verdict> WaitAsync(HeldApproval held)
    {
        var request = held.Request;
        var rule = request.RuleId;
        try
        {
            var grant = await _store.UseGrantAsync(request.Subject, request.Connection, request.Tool, rule, request.ArgumentsHash, CancellationToken.None).ConfigureAwait(false);
            if (grant is not null)
            {
                Forget(held);
                await _audit.GrantUsedAsync(request, grant, CancellationToken.None).ConfigureAwait(false);
                ApprovalLog.GrantUsed(_logger, request.SessionId, request.Tool, grant.Id, grant.GrantedBy, grant.ExpiresAt);
                return held.TryFinish() ? Verdict.Forward : await held.Outcome.Task.ConfigureAwait(false);
            }

            await _store.StartListeningAsync(CancellationToken.None).ConfigureAwait(false);
            if (held.IsFinished)
            {
                // Withdrawn (or past its deadline) before it was even put to approvers.
                return await held.Outcome.Task.ConfigureAwait(false);
            }

            // Recorded before approvers can see it: a call that cannot be recorded is never put to them.
            await _audit.RequestedAsync(request, CancellationToken.None).ConfigureAwait(false);
            await _store.CreateAsync(request, CancellationToken.None).ConfigureAwait(false);
            if (held.IsFinished)
            {
                await TryFinishInStoreAsync(request.Id, ApprovalState.Withdrawn, "finished while it was being stored").ConfigureAwait(false);
                return await held.Outcome.Task.ConfigureAwait(false);
            }
        }
        catch (AuditUnavailableException ex)
        {
            ApprovalLog.NotRecorded(_logger, request.Id, "approval_requested or approval_grant_used", ex);
            Forget(held);
            held.TryFinish();
            return Verdict.Reject(GatewayErrors.AuditUnavailable);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Forget(held);
            held.TryFinish();
            ApprovalLog.HoldFailed(_logger, request.SessionId, request.Tool, ex);
            return Verdict.Reject(GatewayErrors.ApprovalUnavailable.WithRule(rule));
        }

        ApprovalLog.Held(_logger, request.SessionId, request.Tool, request.Id, rule, request.RequiredApprovals, string.Join(", ", request.ApproverGroups), request.ExpiresAt);
        if (_notifiers.Length > 0)
        {
            if (_notices.TryAdmit(request.Subject, rule, out var firstDropped))
            {
                _ = Task.Run(() => NotifyAsync(request), CancellationToken.None);
            }
            else
            {
                _metrics?.ApprovalNoticeDropped();
                if (firstDropped)
                {
                    ApprovalLimitLog.NoticesDropped(_logger, request.Id, _settings.MaxNoticesPerWindow, request.Subject, rule, _settings.NoticeWindow, _notices.Dropped);
                }
            }
        }

        // A vote may have been cast between the insert and now.
        _ = ResolveAsync(held);
        return await held.Outcome.Task.ConfigureAwait(false);
    }

    private void OnChanged(string id)
    {
        if (id == PostgresApprovalStore.Everything)
        {
            RecheckAll();
        }
        else if (_held.TryGetValue(id, out var held))
        {
            _ = ResolveAsync(held);
        }
    }

    private void RecheckAll()
    {
        foreach (var held in _held.Values)
        {
            _ = ResolveAsync(held);
        }
    }

    /// <summary>Reads the request and, when it is decided, carries the decision out.</summary>
    private async Task ResolveAsync(HeldApproval held)
    {
        if (held.IsFinished)
        {
            return;
        }

        try
        {
            var entry = await _store.GetAsync(held.Request.Id, CancellationToken.None).ConfigureAwait(false);
            if (entry is null)
            {
                return;
            }

            if (entry.State == ApprovalState.Pending)
            {
                held.Approvals = entry.Votes.Count(v => v.Vote.Approve);
                return;
            }

            await CompleteAsync(held, entry).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The store is away; the recheck, the deadline or the session's end will finish the call.
            ApprovalLog.StoreFailed(_logger, held.Request.Id, ex);
        }
    }

    /// <summary>Times out or withdraws the request, unless it was decided first; either way the call gets its outcome.</summary>
    private async Task FinishAsync(HeldApproval held, ApprovalState state, string? reason)
    {
        if (held.IsFinished)
        {
            return;
        }

        ApprovalEntry? entry = null;
        try
        {
            await _store.FinishAsync(held.Request.Id, state, reason, CancellationToken.None).ConfigureAwait(false);
            entry = await _store.GetAsync(held.Request.Id, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Fail closed: the call gets the timeout or is withdrawn here, whatever the store says later.
            ApprovalLog.StoreFailed(_logger, held.Request.Id, ex);
        }

        if (entry is null || entry.State == ApprovalState.Pending)
        {
            entry = new ApprovalEntry(held.Request, state, [], null, reason, null);
        }

        await CompleteAsync(held, entry).ConfigureAwait(false);
    }

    private async Task CompleteAsync(HeldApproval held, ApprovalEntry entry)
    {
        if (!held.TryFinish())
        {
            return;
        }

        Forget(held);
        var rule = held.Request.RuleId;
        var verdict = entry.State switch
        {
            ApprovalState.Approved => Verdict.Forward,
            ApprovalState.Denied => Verdict.Reject(GatewayErrors.ApprovalDenied.WithRule(rule) with { Approver = entry.DecidedBy, ApproverReason = entry.DecisionReason }),
            _ => Verdict.Reject(GatewayErrors.ApprovalTimedOut.WithRule(rule)),
        };
        try
        {
            await _audit.DecidedAsync(entry, entry.State, CancellationToken.None).ConfigureAwait(false);
        }
        catch (AuditUnavailableException ex)
        {
            ApprovalLog.NotRecorded(_logger, held.Request.Id, "approval_decided", ex);
            if (verdict.Kind == VerdictKind.Forward)
            {
                verdict = Verdict.Reject(GatewayErrors.AuditUnavailable);
            }
        }

        ApprovalLog.Decided(_logger, held.Request.Id, held.Request.SessionId, SqlApprovalStore.StateText(entry.State));
        if (entry.State == ApprovalState.Withdrawn)
        {
            held.Outcome.TrySetCanceled();
        }
        else
        {
            held.Outcome.TrySetResult(verdict);
        }
    }

    private static async Task SendProgressAsync(HeldApproval held)
    {
        if (held.IsFinished)
        {
            return;
        }

        var message = string.Create(CultureInfo.InvariantCulture, $"Waiting for approval {held.Request.Id}: {held.Approvals} of {held.Request.RequiredApprovals} approvals");
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var json = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("jsonrpc", "2.0");
            json.WriteString("method", McpMethods.NotificationsProgress);
            json.WriteStartObject("params");
            json.WritePropertyName("progressToken");
            json.WriteRawValue(held.ProgressToken!, skipInputValidation: true);
            json.WriteNumber("progress", held.NextProgress());
            json.WriteString("message", message);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        try
        {
            await held.Session.SendToClientAsync(buffer.WrittenMemory, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            // The client is going away; its session's end withdraws the request.
        }
    }

    private async Task NotifyAsync(ApprovalRequest request)
    {
        var notice = new ApprovalNotice(
            request.Id,
            request.Subject,
            request.Connection,
            request.Tool,
            request.MaskedArguments,
            request.RuleId,
            request.ApproverGroups,
            request.RequiredApprovals,
            request.ExpiresAt,
            $"mcpgw approvals approve {request.Id}",
            ApproveUrl(request));
        using var deadline = new CancellationTokenSource(request.ExpiresAt - _time.GetUtcNow() is { } left && left > TimeSpan.Zero ? left : TimeSpan.FromSeconds(1), _time);
        // Side by side: a slow or failing notifier delays no other one, and never the call.
        await Task.WhenAll(_notifiers.Select(async notifier =>
        {
            try
            {
                await notifier.NotifyAsync(notice, deadline.Token).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                ApprovalLog.NotifierFailed(_logger, request.Id, notifier.GetType().Name, ex);
            }
        })).ConfigureAwait(false);
    }

    /// <summary>The admin API URL of the request; null (the notice still goes out, with the CLI command) when there is none or it cannot be formed.</summary>
    private Uri? ApproveUrl(ApprovalRequest request)
    {
        try
        {
            return _admin?.Resolve($"approvals/{request.Id}");
        }
        catch (Exception ex) when (ex is UriFormatException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            ApprovalLog.NotifierFailed(_logger, request.Id, "approve URL", ex);
            return null;
        }
    }

    /// <summary>The call's arguments as approvers may see them: masked as for the audit record, each label with its length, never raw.</summary>
    private string? MaskedArguments(McpFrame frame, bool isToolCall)
    {
        byte[]? masked;
        try
        {
            masked = _masker is not null
                ? _masker.MaskForApproval(frame)
                : MaskEngine.Mask(frame.Payload, _noticeProfile.Value, MaskLabels.For(frame.Session), _time, MaskUse.Approval);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Masking failed: approvers see that the arguments are withheld, never the raw ones.
            ApprovalLog.HoldFailed(_logger, frame.Session.Id, frame.ToolName ?? frame.Method ?? "", ex);
            return "\"" + MaskedShare.MaskingFailed + "\"";
        }

        return masked is not null ? ApprovalBinding.Arguments(masked, isToolCall) : ApprovalBinding.Arguments(System.Buffers.BuffersExtensions.ToArray(frame.Payload), isToolCall);
    }

    /// <summary>Without a masking section, notices and records of held calls are still masked with every built-in detector.</summary>
    private static MaskProfile DefaultProfile()
    {
        var errors = new List<string>();
        var settings = MaskingCompiler.Compile(new MaskingOptions(), errors) ?? throw new InvalidOperationException(string.Join("; ", errors));
        return settings.DefaultProfile;
    }

    /// <summary>Counts one more held call for <paramref name="subject"/> unless it holds the maximum (<paramref name="held"/>) already.</summary>
    private bool TryCountHeld(string subject, out int held)
    {
        lock (_heldGate)
        {
            held = _heldBySubject.GetValueOrDefault(subject);
            if (held >= _settings.MaxHeldPerIdentity)
            {
                return false;
            }

            _heldBySubject[subject] = held + 1;
            return true;
        }
    }

    private void UncountHeld(string subject)
    {
        lock (_heldGate)
        {
            var held = _heldBySubject.GetValueOrDefault(subject);
            if (held <= 1)
            {
                _heldBySubject.Remove(subject);
            }
            else
            {
                _heldBySubject[subject] = held - 1;
            }
        }
    }

    private void Forget(HeldApproval held)
    {
        if (_held.TryRemove(held.Request.Id, out _))
        {
            UncountHeld(held.Request.Subject);
        }

        if (held.Session.Items.TryGetValue(SessionKey, out var table))
        {
            ((ConcurrentDictionary<JsonRpcId, HeldApproval>)table!).TryRemove(new KeyValuePair<JsonRpcId, HeldApproval>(held.RpcId, held));
        }
    }

    private async Task TryFinishInStoreAsync(string id, ApprovalState state, string reason)
    {
        try
        {
            await _store.FinishAsync(id, state, reason, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            ApprovalLog.StoreFailed(_logger, id, ex);
        }
    }

    private static ConcurrentDictionary<JsonRpcId, HeldApproval> Table(IGatewaySession session) =>
        (ConcurrentDictionary<JsonRpcId, HeldApproval>)session.Items.GetOrAdd(SessionKey, static _ => new ConcurrentDictionary<JsonRpcId, HeldApproval>())!;

    public async ValueTask DisposeAsync()
    {
        _store.Changed -= OnChanged;
        await _recheck.DisposeAsync().ConfigureAwait(false);
        foreach (var held in _held.Values)
        {
            await FinishAsync(held, ApprovalState.Withdrawn, "the gateway stopped").ConfigureAwait(false);
        }
    }
}
