using Microsoft.Extensions.Logging;

namespace McpGateway.Core.Chain;

/// <summary>
/// Builds the frozen chain from the registered inspectors and the configured order of the middle. Every
/// mistake is reported at once: unknown or repeated names, a built-in end named in the middle, two
/// inspectors claiming one end, the recording stage named as an inspector.
/// </summary>
internal static class InspectorChainBuilder
{
    /// <summary>
    /// The name the chain keeps from inspectors: the session's recording stage, which runs after the chain and is counted
    /// under this name (Chain is below Recording, so the name lives here).
    /// </summary>
    internal const string RecordingStageName = "recording";

    public static InspectorChain Build(
        IEnumerable<InspectorRegistration> registrations,
        IReadOnlyList<string> middleOrder,
        IServiceProvider services,
        ILogger logger)
    {
        var errors = Validate(registrations, middleOrder, out var byName);
        if (errors.Count > 0)
        {
            throw new InvalidChainException(errors);
        }

        // Options before any inspector exists, and every inspector's failures at once.
        var optionErrors = ValidateOptions(byName.Values, middleOrder, services);
        if (optionErrors.Count > 0)
        {
            throw new InvalidChainException(optionErrors);
        }

        var ordered = new List<IFrameInspector>();
        AddEnd(ChainSlot.Authentication);
        AddEnd(ChainSlot.Policy);
        foreach (var name in middleOrder)
        {
            ordered.Add(Create(byName[name]));
        }

        var beforeTail = ordered.Count;
        AddEnd(ChainSlot.Masking);
        return new InspectorChain([.. ordered], logger, ordered.Count - beforeTail);

        void AddEnd(ChainSlot slot)
        {
            foreach (var registration in byName.Values)
            {
                if (registration.Slot == slot)
                {
                    ordered.Add(Create(registration));
                }
            }
        }

        IFrameInspector Create(InspectorRegistration registration)
        {
            IFrameInspector inspector;
            try
            {
                inspector = registration.Create(services);
            }
            catch (Exception ex) when (ex is not InvalidChainException)
            {
                throw new InvalidChainException([$"{registration.Describe()} could not be created: {ex.GetType().Name}: {ex.Message}"]);
            }

            if (!string.Equals(inspector.Name, registration.Name, StringComparison.Ordinal))
            {
                throw new InvalidChainException([$"inspector '{registration.Name}' reports the name '{inspector.Name}'"]);
            }

            return inspector;
        }
    }

    /// <summary>
    /// The options of every inspector the chain would hold (the ends, and the middle ones <paramref name="middleOrder"/>
    /// names), validated without creating an inspector; each failure names the inspector (and its plugin).
    /// </summary>
    internal static List<string> ValidateOptions(IEnumerable<InspectorRegistration> registrations, IReadOnlyList<string> middleOrder, IServiceProvider services) =>
        [.. registrations
            .Where(r => r.Slot != ChainSlot.Middle || middleOrder.Contains(r.Name, StringComparer.Ordinal))
            .SelectMany(r => (r.ValidateOptions?.Invoke(services) ?? []).Select(e => $"{r.Describe()}: {e}"))];

    /// <summary>Checks registrations and order without creating anything; an empty list means valid.</summary>
    public static IReadOnlyList<string> Validate(
        IEnumerable<InspectorRegistration> registrations,
        IReadOnlyList<string> middleOrder,
        out Dictionary<string, InspectorRegistration> byName)
    {
        var errors = new List<string>();
        byName = new Dictionary<string, InspectorRegistration>(StringComparer.Ordinal);
        foreach (var registration in registrations)
        {
            if (string.IsNullOrWhiteSpace(registration.Name))
            {
                errors.Add("an inspector is registered without a name");
            }
            else if (string.Equals(registration.Name, RecordingStageName, StringComparison.Ordinal))
            {
                errors.Add($"{registration.Describe()}: '{RecordingStageName}' is the name of the session's recording stage, not available to an inspector");
            }
            else if (!byName.TryAdd(registration.Name, registration))
            {
                errors.Add($"inspector '{registration.Name}' is registered twice");
            }
        }

        foreach (var slot in new[] { ChainSlot.Authentication, ChainSlot.Policy, ChainSlot.Masking })
        {
            var claimants = byName.Values.Where(r => r.Slot == slot).Select(r => r.Name).ToList();
            if (claimants.Count > 1)
            {
                errors.Add($"only one inspector may hold the {slot} end, but {string.Join(", ", claimants)} do");
            }
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < middleOrder.Count; i++)
        {
            var name = middleOrder[i];
            if (string.Equals(name, RecordingStageName, StringComparison.Ordinal))
            {
                errors.Add($"inspectors[{i}]: '{name}' is not an inspector: recording is the session's terminal stage, it always runs after the chain (turn it on with the audit section) and cannot be placed in it");
            }
            else if (!byName.TryGetValue(name, out var registration))
            {
                errors.Add($"inspectors[{i}]: no inspector named '{name}' is registered (known: {string.Join(", ", byName.Keys.Order(StringComparer.Ordinal))})");
            }
            else if (registration.Slot != ChainSlot.Middle)
            {
                errors.Add($"inspectors[{i}]: '{name}' always runs at the {registration.Slot} end and cannot be placed in the middle");
            }

            if (!seen.Add(name))
            {
                errors.Add($"inspectors[{i}]: '{name}' appears twice");
            }
        }

        return errors;
    }
}
