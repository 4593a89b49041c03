using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace McpGateway.Inspectors.Policy;

/// <summary>
/// Tool fingerprints per connection, kept in a small JSON file (written atomically: a temporary file, then a
/// rename). The gateway pins a tool the first time an upstream lists it and records a changed definition; an
/// operator approves the change with <c>mcpgw tools approve</c>, which edits the same file; the gateway re-reads it
/// when it changed (<see cref="RefreshIfChanged"/>, on the policy reload interval).
/// </summary>
/// <remarks>
/// A pin written by an earlier version (a fingerprint without <see cref="ToolFingerprint.CurrentPrefix"/>, which covered
/// only name, description, inputSchema and annotations) is upgraded the first time its tool is listed: when those four
/// members are still what was pinned, the pin is rewritten with the whole-object fingerprint (the members it did not
/// cover are trusted on that sight, as a tool seen for the first time is); otherwise the tool is reported changed as
/// usual. An upgrade thus neither hides every tool at once nor lets a rug pull slip through during it.
/// </remarks>
internal sealed class ToolPinStore
{
    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private readonly string? _path;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly IReadOnlyList<string> _volatileMembers;
    private readonly Lock _lock = new();
    private Dictionary<string, Dictionary<string, ToolPin>> _pins = new(StringComparer.Ordinal);
    private byte[]? _loadedHash;

    /// <param name="volatileMembers">Dotted paths of tool members left out of the fingerprint (<see cref="PolicyOptions.PinsIgnore"/>).</param>
    public ToolPinStore(string? path, TimeProvider timeProvider, ILogger logger, IReadOnlyList<string>? volatileMembers = null)
    {
        _path = path;
        _volatileMembers = volatileMembers ?? [];
        _timeProvider = timeProvider;
        _logger = logger;
        if (path is not null)
        {
            Load();
        }
    }

    public bool Enabled => _path is not null;

    /// <summary>Pins <paramref name="definition"/> the first time <paramref name="tool"/> is listed; compares it with the pin afterwards.</summary>
    public PinObservation Observe(string connection, string tool, JsonObject definition)
    {
        if (_path is null)
        {
            return PinObservation.NotPinned;
        }

        var fingerprint = ToolFingerprint.Compute(definition, _volatileMembers);
        lock (_lock)
        {
            if (!_pins.TryGetValue(connection, out var tools))
            {
                _pins[connection] = tools = new Dictionary<string, ToolPin>(StringComparer.Ordinal);
            }

            var now = _timeProvider.GetUtcNow();
            if (!tools.TryGetValue(tool, out var pin))
            {
                tools[tool] = new ToolPin(fingerprint, null, now, null);
                PolicyLog.ToolPinned(_logger, connection, tool, fingerprint);
                Save();
                return PinObservation.Pinned;
            }

            if (!ToolFingerprint.IsCurrent(pin.Fingerprint) && !pin.IsChanged
                && string.Equals(pin.Fingerprint, ToolFingerprint.ComputeLegacy(definition), StringComparison.Ordinal))
            {
                tools[tool] = pin with { Fingerprint = fingerprint };
                PolicyLog.ToolPinUpgraded(_logger, connection, tool, pin.Fingerprint, fingerprint);
                Save();
                return PinObservation.Unchanged;
            }

            if (string.Equals(pin.Fingerprint, fingerprint, StringComparison.Ordinal))
            {
                return pin.IsChanged ? PinObservation.Changed : PinObservation.Unchanged;
            }

            if (!string.Equals(pin.ChangedFingerprint, fingerprint, StringComparison.Ordinal))
            {
                tools[tool] = pin with { ChangedFingerprint = fingerprint, ChangedAt = now };
                PolicyLog.ToolDefinitionChanged(_logger, connection, tool, pin.Fingerprint, fingerprint);
                Save();
            }

            return PinObservation.Changed;
        }
    }

    /// <summary>Whether calls to the tool are refused because its definition changed and nobody approved it yet.</summary>
    public bool IsChanged(string connection, string tool)
    {
        if (_path is null)
        {
            return false;
        }

        lock (_lock)
        {
            return _pins.TryGetValue(connection, out var tools) && tools.TryGetValue(tool, out var pin) && pin.IsChanged;
        }
    }

    public IReadOnlyList<(string Connection, string Tool, ToolPin Pin)> List()
    {
        lock (_lock)
        {
            return [.. _pins.OrderBy(c => c.Key, StringComparer.Ordinal)
                .SelectMany(c => c.Value.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => (c.Key, t.Key, t.Value)))];
        }
    }

    /// <summary>Accepts the changed definition as the new pin; false when the tool has no unapproved change.</summary>
    public bool Approve(string connection, string tool)
    {
        lock (_lock)
        {
            if (!_pins.TryGetValue(connection, out var tools) || !tools.TryGetValue(tool, out var pin) || !pin.IsChanged)
            {
                return false;
            }

            tools[tool] = new ToolPin(pin.ChangedFingerprint!, null, _timeProvider.GetUtcNow(), null);
            Save();
            return true;
        }
    }

    /// <summary>Re-reads the file when someone else (an operator's approval) wrote it.</summary>
    public void RefreshIfChanged()
    {
        if (_path is null)
        {
            return;
        }

        lock (_lock)
        {
            // By content, not time stamp: two writes within one tick of the file system clock look the same.
            try
            {
                if (File.Exists(_path) && !Hash(File.ReadAllBytes(_path)).AsSpan().SequenceEqual(_loadedHash))
                {
                    Load();
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Being replaced; the next poll sees it.
            }
        }
    }

    private void Load()
    {
        try
        {
            if (!File.Exists(_path))
            {
                return;
            }

            var bytes = File.ReadAllBytes(_path!);
            var pins = JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, ToolPin>>>(bytes, _json);
            _pins = new Dictionary<string, Dictionary<string, ToolPin>>(
                (pins ?? []).Select(c => KeyValuePair.Create(c.Key, new Dictionary<string, ToolPin>(c.Value, StringComparer.Ordinal))),
                StringComparer.Ordinal);
            _loadedHash = Hash(bytes);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            // Fail closed would hide every tool; keeping what is known and saying why is the lesser evil.
            PolicyLog.PinsUnreadable(_logger, _path!, ex.Message);
        }
    }

    private static byte[] Hash(byte[] bytes) => SHA256.HashData(bytes);

    private void Save()
    {
        var temporary = _path + ".tmp";
        try
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(_pins, _json);
            File.WriteAllBytes(temporary, bytes);
            File.Move(temporary, _path!, overwrite: true);
            _loadedHash = Hash(bytes);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The pins stay in force in memory; they are lost at restart, so say so loudly.
            PolicyLog.PinsUnwritable(_logger, _path!, ex.Message);
        }
    }
}
