using System.Data.Common;
using System.Globalization;
using McpGateway.Inspectors.Approval;
using McpGateway.Core.Identity;

namespace McpGateway.Inspectors.Approval;

/// <summary>
/// The approval store over ADO.NET, one SQL text for SQLite and PostgreSQL. Times are microseconds since the Unix
/// epoch from the store's <see cref="TimeProvider"/>; booleans are 0/1. A vote reads and changes its request inside
/// one write transaction that locks the request (SQLite: <c>BEGIN IMMEDIATE</c>; PostgreSQL: <c>FOR UPDATE</c>).
/// </summary>
internal abstract class SqlApprovalStore(TimeProvider timeProvider) : IApprovalStore
{
    protected const string SchemaText = """
        CREATE TABLE IF NOT EXISTS approval_requests (
            id TEXT PRIMARY KEY, state TEXT NOT NULL, instance_id TEXT NOT NULL, session_id TEXT NOT NULL, subject TEXT NOT NULL,
            connection TEXT NOT NULL, tool TEXT NOT NULL, rpc_id TEXT, frame_seq BIGINT NOT NULL, arguments_hash TEXT NOT NULL,
            masked_arguments TEXT, rule_id TEXT NOT NULL, approver_groups TEXT NOT NULL, required_approvals BIGINT NOT NULL,
            max_grant_us BIGINT NOT NULL, created_us BIGINT NOT NULL, expires_us BIGINT NOT NULL, decided_us BIGINT,
            decided_by TEXT, decision_reason TEXT);
        CREATE INDEX IF NOT EXISTS approval_requests_state ON approval_requests (state, expires_us);
        CREATE TABLE IF NOT EXISTS approval_votes (
            request_id TEXT NOT NULL, approver TEXT NOT NULL, approve BIGINT NOT NULL, reason TEXT, at_us BIGINT NOT NULL,
            grant_us BIGINT, grant_same_arguments BIGINT NOT NULL, PRIMARY KEY (request_id, approver));
        CREATE TABLE IF NOT EXISTS approval_grants (
            id TEXT PRIMARY KEY, request_id TEXT NOT NULL, subject TEXT NOT NULL, connection TEXT NOT NULL, tool TEXT NOT NULL,
            rule_id TEXT NOT NULL, arguments_hash TEXT, granted_by TEXT NOT NULL, created_us BIGINT NOT NULL,
            expires_us BIGINT NOT NULL, uses BIGINT NOT NULL);
        CREATE INDEX IF NOT EXISTS approval_grants_lookup ON approval_grants (subject, connection, tool, expires_us);
        """;

    private const string RequestColumns =
        "id, state, instance_id, session_id, subject, connection, tool, rpc_id, frame_seq, arguments_hash, masked_arguments, rule_id, " +
        "approver_groups, required_approvals, max_grant_us, created_us, expires_us, decided_by, decision_reason";

    public abstract string Description { get; }

    public event Action<string>? Changed;

    protected TimeProvider TimeProvider => timeProvider;

    /// <summary>Appended to the query that reads a request to vote on: <c> FOR UPDATE</c> where the database locks rows.</summary>
    protected virtual string LockRow => "";

    /// <summary>An open connection with the schema in place.</summary>
    protected abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>A transaction that serializes writers of the same request.</summary>
    protected abstract Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Tells other instances, inside the transaction, that a request changed (delivered at commit).</summary>
    protected virtual Task NotifyAsync(DbConnection connection, DbTransaction transaction, string id, CancellationToken cancellationToken) => Task.CompletedTask;

    public virtual Task StartListeningAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public abstract ValueTask DisposeAsync();

    protected void RaiseChanged(string id) => Changed?.Invoke(id);

    public async Task CreateAsync(ApprovalRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var insert = Command(connection, null, $"INSERT INTO approval_requests ({RequestColumns}) VALUES (@id, @state, @instance, @session, @subject, @connection, @tool, @rpc, @seq, @hash, @masked, @rule, @groups, @required, @grant, @created, @expires, NULL, NULL)",
            ("id", request.Id), ("state", StateText(ApprovalState.Pending)), ("instance", request.InstanceId), ("session", request.SessionId),
            ("subject", request.Subject), ("connection", request.Connection), ("tool", request.Tool), ("rpc", request.RpcId),
            ("seq", request.FrameSequence), ("hash", request.ArgumentsHash), ("masked", request.MaskedArguments), ("rule", request.RuleId),
            ("groups", string.Join('\n', request.ApproverGroups)), ("required", (long)request.RequiredApprovals), ("grant", Micros(request.MaxGrant)),
            ("created", Micros(request.CreatedAt)), ("expires", Micros(request.ExpiresAt)));
        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<ApprovalEntry?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ReadAsync(connection, null, id, lockRow: false, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ApprovalEntry>> ListAsync(ApprovalState? state, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExpireAsync(connection, cancellationToken).ConfigureAwait(false);
        var ids = new List<string>();
        await using (var query = state is null
            ? Command(connection, null, "SELECT id FROM approval_requests ORDER BY created_us DESC, id")
            : Command(connection, null, "SELECT id FROM approval_requests WHERE state = @state ORDER BY created_us DESC, id", ("state", StateText(state.Value))))
        {
            await using var reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                ids.Add(reader.GetString(0));
            }
        }

        var entries = new List<ApprovalEntry>(ids.Count);
        foreach (var id in ids)
        {
            if (await ReadAsync(connection, null, id, lockRow: false, cancellationToken).ConfigureAwait(false) is { } entry)
            {
                entries.Add(entry);
            }
        }

        return entries;
    }

    public async Task<(VoteDecision Decision, ApprovalEntry? Entry)> VoteAsync(string id, GatewayIdentity approver, ApprovalVote vote, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(approver);
        ArgumentNullException.ThrowIfNull(vote);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        var entry = await ReadAsync(connection, transaction, id, lockRow: true, cancellationToken).ConfigureAwait(false);
        if (entry is null)
        {
            return (new VoteDecision(ApprovalVoteResult.NotFound), null);
        }

        var now = timeProvider.GetUtcNow();
        var decision = ApprovalVoting.Decide(entry, approver, vote, now);
        if (decision.Expired)
        {
            await SetStateAsync(connection, transaction, id, ApprovalState.TimedOut, null, null, now, cancellationToken).ConfigureAwait(false);
        }

        if (decision.Vote is { } stored)
        {
            await using var insert = Command(connection, transaction, "INSERT INTO approval_votes (request_id, approver, approve, reason, at_us, grant_us, grant_same_arguments) VALUES (@id, @approver, @approve, @reason, @at, @grant, @same)",
                ("id", id), ("approver", stored.Vote.Approver), ("approve", stored.Vote.Approve ? 1L : 0L), ("reason", stored.Vote.Reason),
                ("at", Micros(stored.Vote.At)), ("grant", stored.Grant is { } g ? Micros(g) : System.Data.DbType.Int64), ("same", stored.SameArgumentsOnly ? 1L : 0L));
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            if (decision.State != ApprovalState.Pending)
            {
                await SetStateAsync(connection, transaction, id, decision.State, decision.DecidedBy, decision.Reason, now, cancellationToken).ConfigureAwait(false);
            }

            if (decision.Grant is { } grant)
            {
                await using var grantInsert = Command(connection, transaction, "INSERT INTO approval_grants (id, request_id, subject, connection, tool, rule_id, arguments_hash, granted_by, created_us, expires_us, uses) VALUES (@id, @request, @subject, @connection, @tool, @rule, @hash, @by, @created, @expires, 0)",
                    ("id", grant.Id), ("request", id), ("subject", grant.Subject), ("connection", grant.Connection), ("tool", grant.Tool), ("rule", entry.Request.RuleId),
                    ("hash", grant.ArgumentsHash), ("by", grant.GrantedBy), ("created", Micros(now)), ("expires", Micros(grant.ExpiresAt)));
                await grantInsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        var changed = decision.Vote is not null || decision.Expired;
        if (changed)
        {
            await NotifyAsync(connection, transaction, id, cancellationToken).ConfigureAwait(false);
        }

        var after = changed ? await ReadAsync(connection, transaction, id, lockRow: false, cancellationToken).ConfigureAwait(false) : entry;
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        if (changed)
        {
            RaiseChanged(id);
        }

        return (decision, after);
    }

    public async Task<bool> FinishAsync(string id, ApprovalState state, string? reason, CancellationToken cancellationToken)
    {
        if (state is not (ApprovalState.TimedOut or ApprovalState.Withdrawn))
        {
            throw new ArgumentOutOfRangeException(nameof(state), state, "only a timeout or a withdrawal finishes a request without a vote");
        }

        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        var changed = await SetStateAsync(connection, transaction, id, state, null, reason, timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (changed)
        {
            await NotifyAsync(connection, transaction, id, cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        if (changed)
        {
            RaiseChanged(id);
        }

        return changed;
    }

    public async Task<ApprovalGrant?> UseGrantAsync(string subject, string connection, string tool, string ruleId, string argumentsHash, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginWriteAsync(db, cancellationToken).ConfigureAwait(false);
        await using var use = Command(db, transaction, """
            UPDATE approval_grants SET uses = uses + 1 WHERE id = (
                SELECT id FROM approval_grants
                WHERE subject = @subject AND connection = @connection AND tool = @tool AND rule_id = @rule AND expires_us > @now
                  AND (arguments_hash IS NULL OR arguments_hash = @hash)
                ORDER BY expires_us DESC, id LIMIT 1)
            RETURNING id, subject, connection, tool, arguments_hash, granted_by, expires_us
            """,
            ("subject", subject), ("connection", connection), ("tool", tool), ("rule", ruleId), ("now", Micros(timeProvider.GetUtcNow())), ("hash", argumentsHash));
        ApprovalGrant? grant = null;
        await using (var reader = await use.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                grant = new ApprovalGrant(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetString(5), Time(reader.GetInt64(6)));
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return grant;
    }

    /// <summary>Marks pending requests past their deadline as timed out (their holder, if it still runs, does the same).</summary>
    private async Task ExpireAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var now = Micros(timeProvider.GetUtcNow());
        await using var expire = Command(connection, null, "UPDATE approval_requests SET state = @timedOut, decided_us = @now WHERE state = @pending AND expires_us <= @now",
            ("timedOut", StateText(ApprovalState.TimedOut)), ("now", now), ("pending", StateText(ApprovalState.Pending)));
        await expire.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<bool> SetStateAsync(DbConnection connection, DbTransaction? transaction, string id, ApprovalState state, string? decidedBy, string? reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var update = Command(connection, transaction, "UPDATE approval_requests SET state = @state, decided_us = @now, decided_by = @by, decision_reason = @reason WHERE id = @id AND state = @pending",
            ("state", StateText(state)), ("now", Micros(now)), ("by", decidedBy), ("reason", reason), ("id", id), ("pending", StateText(ApprovalState.Pending)));
        return await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    private async Task<ApprovalEntry?> ReadAsync(DbConnection connection, DbTransaction? transaction, string id, bool lockRow, CancellationToken cancellationToken)
    {
        ApprovalRequest request;
        ApprovalState state;
        string? decidedBy, decisionReason;
        await using (var query = Command(connection, transaction, $"SELECT {RequestColumns} FROM approval_requests WHERE id = @id{(lockRow ? LockRow : "")}", ("id", id)))
        {
            await using var reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            request = new ApprovalRequest(
                reader.GetString(0), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7), reader.GetInt64(8), reader.GetString(9), reader.IsDBNull(10) ? null : reader.GetString(10),
                reader.GetString(11), reader.GetString(12).Split('\n', StringSplitOptions.RemoveEmptyEntries), (int)reader.GetInt64(13),
                TimeSpan.FromMicroseconds(reader.GetInt64(14)), Time(reader.GetInt64(15)), Time(reader.GetInt64(16)));
            state = ParseState(reader.GetString(1));
            decidedBy = reader.IsDBNull(17) ? null : reader.GetString(17);
            decisionReason = reader.IsDBNull(18) ? null : reader.GetString(18);
        }

        var votes = new List<StoredVote>();
        await using (var query = Command(connection, transaction, "SELECT approver, approve, reason, at_us, grant_us, grant_same_arguments FROM approval_votes WHERE request_id = @id ORDER BY at_us, approver", ("id", id)))
        {
            await using var reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                votes.Add(new StoredVote(
                    new ApprovalVoteRecord(reader.GetString(0), reader.GetInt64(1) == 1, reader.IsDBNull(2) ? null : reader.GetString(2), Time(reader.GetInt64(3))),
                    reader.IsDBNull(4) ? null : TimeSpan.FromMicroseconds(reader.GetInt64(4)),
                    reader.GetInt64(5) == 1));
            }
        }

        ApprovalGrant? grant = null;
        await using (var query = Command(connection, transaction, "SELECT id, subject, connection, tool, arguments_hash, granted_by, expires_us FROM approval_grants WHERE request_id = @id", ("id", id)))
        {
            await using var reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                grant = new ApprovalGrant(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetString(5), Time(reader.GetInt64(6)));
            }
        }

        return new ApprovalEntry(request, state, votes, decidedBy, decisionReason, grant);
    }

    /// <summary>A command with named parameters; a <see cref="System.Data.DbType"/> as a value stands for a null of that type, a plain null is text.</summary>
    protected static DbCommand Command(DbConnection connection, DbTransaction? transaction, string text, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = text;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@" + name;
            if (value is System.Data.DbType type)
            {
                // A null of that type (PostgreSQL wants to know it).
                parameter.Value = DBNull.Value;
                parameter.DbType = type;
            }
            else
            {
                parameter.Value = value ?? DBNull.Value;
                if (value is null)
                {
                    parameter.DbType = System.Data.DbType.String;
                }
            }

            command.Parameters.Add(parameter);
        }

        return command;
    }

    private static long Micros(DateTimeOffset time) => (time - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;

    private static long Micros(TimeSpan span) => span.Ticks / TimeSpan.TicksPerMicrosecond;

    private static DateTimeOffset Time(long micros) => DateTimeOffset.UnixEpoch.AddTicks(micros * TimeSpan.TicksPerMicrosecond);

    public static string StateText(ApprovalState state) => state switch
    {
        ApprovalState.Pending => "pending",
        ApprovalState.Approved => "approved",
        ApprovalState.Denied => "denied",
        ApprovalState.TimedOut => "timed_out",
        ApprovalState.Withdrawn => "withdrawn",
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    private static ApprovalState ParseState(string text) =>
        StateFromText(text) ?? throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"unknown approval state '{text}'"));

    /// <summary>The state <see cref="StateText"/> names, or null for any other text.</summary>
    public static ApprovalState? StateFromText(string? text) => text switch
    {
        "pending" => ApprovalState.Pending,
        "approved" => ApprovalState.Approved,
        "denied" => ApprovalState.Denied,
        "timed_out" => ApprovalState.TimedOut,
        "withdrawn" => ApprovalState.Withdrawn,
        _ => null,
    };
}
