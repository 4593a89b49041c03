using System.Collections.Frozen;
using System.Text.RegularExpressions;
using McpGateway.Core.Configuration;
using McpGateway.Inspectors.Masking.Detectors;
using McpGateway.Inspectors.Policy;

namespace McpGateway.Inspectors.Masking;

/// <summary>Validates the <c>masking</c> section into <see cref="MaskingSettings"/>, adding every error it finds to the list.</summary>
internal static class MaskingCompiler
{
    public const string DefaultProfileName = "default";

    private static readonly System.Buffers.SearchValues<char> KindCharacters = System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789_");

    public static MaskingSettings? Compile(MaskingOptions options, List<string> errors)
    {
        var before = errors.Count;
        var profiles = new Dictionary<string, MaskProfile>(StringComparer.Ordinal);
        foreach (var (name, profile) in options.Profiles)
        {
            var compiled = CompileProfile(name, profile, $"masking.profiles.{name}", errors);
            if (compiled is not null)
            {
                profiles[name] = compiled;
            }
        }

        if (options.Profiles.Count == 0)
        {
            profiles[DefaultProfileName] = CompileProfile(DefaultProfileName, new MaskProfileOptions(), "masking", errors)!;
        }

        var defaultName = options.DefaultProfile ?? DefaultProfileName;
        if (!options.Profiles.ContainsKey(defaultName) && !(options.Profiles.Count == 0 && defaultName == DefaultProfileName))
        {
            errors.Add($"masking.defaultProfile: no profile named '{defaultName}' (known: {string.Join(", ", options.Profiles.Keys.Order(StringComparer.Ordinal))})");
        }

        return errors.Count > before ? null : new MaskingSettings(profiles.ToFrozenDictionary(StringComparer.Ordinal), defaultName);
    }

    private static MaskProfile? CompileProfile(string name, MaskProfileOptions options, string path, List<string> errors)
    {
        var before = errors.Count;
        var detectors = new List<SecretDetector>();
        var names = options.Detectors.Count == 0 ? [.. BuiltInDetectors.DefaultNames] : options.Detectors.ToList();
        var kinds = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < names.Count; i++)
        {
            AddBuiltIn(names[i], $"{path}.detectors[{i}]", optIn: false);
        }

        for (var i = 0; i < options.OptIn.Count; i++)
        {
            AddBuiltIn(options.OptIn[i], $"{path}.optIn[{i}]", optIn: true);
        }

        for (var i = 0; i < options.Custom.Count; i++)
        {
            var custom = options.Custom[i];
            var at = $"{path}.custom[{i}]";
            if (!IsKind(custom.Name))
            {
                errors.Add($"{at}.name: required, snake_case letters, digits and underscores");
            }

            if (string.IsNullOrEmpty(custom.Regex))
            {
                errors.Add($"{at}.regex: required");
                continue;
            }

            var regex = CompileRegex(custom.Regex, out var error);
            if (regex is null)
            {
                errors.Add($"{at}.regex: not a valid regular expression ({error})");
            }
            else if (custom.Name is not null)
            {
                detectors.Add(new RegexDetector(custom.Name, regex, 1, hint: null));
                kinds.Add(custom.Name);
            }
        }

        var fields = new List<FieldRule>();
        for (var i = 0; i < options.Fields.Count; i++)
        {
            var field = options.Fields[i];
            var at = $"{path}.fields[{i}]";
            var kind = field.Kind ?? "field";
            if (!IsKind(kind))
            {
                errors.Add($"{at}.kind: snake_case letters, digits and underscores");
            }

            if (string.IsNullOrEmpty(field.Path))
            {
                errors.Add($"{at}.path: required, e.g. \"$.result.structuredContent.password\"");
                continue;
            }

            var rule = FieldRule.Parse(field.Path, kind, out var pathError);
            if (rule is null)
            {
                errors.Add($"{at}.path: '{field.Path}' {pathError}");
            }
            else
            {
                fields.Add(rule);
                kinds.Add(kind);
            }
        }

        for (var i = 0; i < options.Partial.Count; i++)
        {
            if (!kinds.Contains(options.Partial[i]))
            {
                errors.Add($"{path}.partial[{i}]: '{options.Partial[i]}' is not a kind this profile detects (known: {string.Join(", ", kinds.Order(StringComparer.Ordinal))})");
            }
        }

        Base64Mode? base64 = options.Base64?.ToLowerInvariant() switch
        {
            null or "scan" => Base64Mode.Scan,
            "replace" => Base64Mode.Replace,
            "ignore" => Base64Mode.Ignore,
            _ => null,
        };
        if (base64 is null)
        {
            errors.Add($"{path}.base64: '{options.Base64}' is not one of scan, replace, ignore");
        }

        var budget = options.Budget ?? MaskProfile.DefaultBudget;
        if (budget <= TimeSpan.Zero)
        {
            errors.Add($"{path}.budget: must be positive");
        }

        if (errors.Count > before)
        {
            return null;
        }

        return WarmedUp(new MaskProfile
        {
            Name = name,
            Detectors = [.. detectors],
            Fields = [.. fields],
            Partial = options.Partial.ToFrozenSet(StringComparer.Ordinal),
            Base64 = base64!.Value,
            Budget = budget,
        });

        void AddBuiltIn(string detector, string at, bool optIn)
        {
            if (!BuiltInDetectors.ByName.TryGetValue(detector, out var found))
            {
                errors.Add($"{at}: no detector named '{detector}' (known: {string.Join(", ", BuiltInDetectors.ByName.Keys.Order(StringComparer.Ordinal))})");
                return;
            }

            if (optIn != BuiltInDetectors.OptInKinds.Contains(detector))
            {
                errors.Add(optIn ? $"{at}: '{detector}' is not opt-in; list it under detectors" : $"{at}: '{detector}' is opt-in; list it under optIn");
                return;
            }

            foreach (var d in found)
            {
                if (!detectors.Contains(d))
                {
                    detectors.Add(d);
                    kinds.Add(d.Kind);
                }
            }
        }
    }

    /// <summary>
    /// Masks a sample message once, so that the first real message does not pay the engine's and the detectors' JIT
    /// against its budget (a cold first pass can take longer than the default 50 ms).
    /// </summary>
    private static MaskProfile WarmedUp(MaskProfile profile)
    {
        var sample = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"key AKIAIOSFODNN7EXAMPLE, card 4111 1111 1111 1111\"}],\"data\":\"aGVsbG8gd29ybGQgaGVsbG8gd29ybGQ=\"}}"u8;
        try
        {
            _ = MaskEngine.Mask(sample, profile, new MaskLabels(), TimeProvider.System);
        }
        catch (Exception ex) when (ex is TimeoutException or RegexMatchTimeoutException)
        {
            // Only a warm-up: a slow machine may miss the budget here without harm.
        }

        return profile;
    }

    /// <summary>Every profile a connection or a policy rule names must exist; without a masking section none may be named.</summary>
    public static void CheckProfileReferences(GatewayOptions options, MaskingOptions? masking, PolicyOptions? policy, List<string> errors)
    {
        foreach (var (name, connection) in options.Connections)
        {
            Check(connection.MaskProfile, $"connections.{name}.maskProfile");
        }

        var rules = policy?.Rules ?? [];
        for (var i = 0; i < rules.Count; i++)
        {
            Check(rules[i].MaskProfile, $"policy.rules[{i}].maskProfile");
        }

        void Check(string? profile, string at)
        {
            if (profile is null)
            {
                return;
            }

            if (masking is null)
            {
                errors.Add($"{at}: names profile '{profile}' but there is no masking section");
            }
            else if (!masking.Profiles.ContainsKey(profile) && !(masking.Profiles.Count == 0 && profile == DefaultProfileName))
            {
                errors.Add($"{at}: no masking profile named '{profile}'");
            }
        }
    }

    /// <summary>NonBacktracking where the pattern allows it (linear time); otherwise the backtracking engine, with a match timeout either way.</summary>
    internal static Regex? CompileRegex(string pattern, out string? error)
    {
        error = null;
        try
        {
            return new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, BuiltInDetectors.MatchTimeout);
        }
        catch (NotSupportedException)
        {
            // Lookarounds, backreferences, atomic groups: not supported by NonBacktracking.
        }
        catch (ArgumentException ex)
        {
            error = ex.Message;
            return null;
        }

        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant, BuiltInDetectors.MatchTimeout);
        }
        catch (ArgumentException ex)
        {
            error = ex.Message;
            return null;
        }
    }

    private static bool IsKind(string? kind) =>
        !string.IsNullOrEmpty(kind) && kind.Length <= 64 && kind.AsSpan().IndexOfAnyExcept(KindCharacters) < 0;
}
