using System.Collections.Frozen;

namespace McpGateway.Core.Configuration;

/// <summary>
/// The validated settings of the features the configuration turned on (the policy, the masking profiles, ...), one
/// value per type. The core does not know the features; each feature reads its own settings back by type.
/// </summary>
internal sealed class FeatureSettings
{
    public static readonly FeatureSettings Empty = new(FrozenDictionary<Type, object>.Empty);

    private readonly FrozenDictionary<Type, object> _values;

    private FeatureSettings(FrozenDictionary<Type, object> values) => _values = values;

    public int Count => _values.Count;

    /// <summary>The settings of each non-null value, keyed by its type.</summary>
    public static FeatureSettings Of(params ReadOnlySpan<object?> values)
    {
        var map = new Dictionary<Type, object>();
        foreach (var value in values)
        {
            if (value is not null)
            {
                map[value.GetType()] = value;
            }
        }

        return map.Count == 0 ? Empty : new FeatureSettings(map.ToFrozenDictionary());
    }

    /// <summary>The settings of type <typeparamref name="T"/>, or null when that feature is not configured.</summary>
    public T? Get<T>()
        where T : class
        => _values.TryGetValue(typeof(T), out var value) ? (T)value : null;

    /// <summary>A copy with <paramref name="value"/> in place of the settings of its type; null removes them.</summary>
    public FeatureSettings With<T>(T? value)
        where T : class
    {
        var map = new Dictionary<Type, object>(_values);
        if (value is null)
        {
            map.Remove(typeof(T));
        }
        else
        {
            map[typeof(T)] = value;
        }

        return map.Count == 0 ? Empty : new FeatureSettings(map.ToFrozenDictionary());
    }
}
