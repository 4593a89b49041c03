namespace McpGateway.Core.Configuration;

/// <summary>
/// What a feature's section sees while the loader validates: the core options, every section as bound, the
/// directory relative paths start from, the one list of errors, and the settings the sections produced so far.
/// </summary>
internal sealed class SettingsSectionContext
{
    private readonly IReadOnlyDictionary<Type, object?> _sections;
    private readonly List<object> _features = [];

    public SettingsSectionContext(GatewayOptions options, IReadOnlyDictionary<Type, object?> sections, string baseDirectory, List<string> errors)
    {
        Options = options;
        _sections = sections;
        BaseDirectory = baseDirectory;
        Errors = errors;
    }

    /// <summary>The core of the file (listen, auth, limits, connections, ...).</summary>
    public GatewayOptions Options { get; }

    public string BaseDirectory { get; }

    public List<string> Errors { get; }

    /// <summary>
    /// Set by a section whose feature takes bearer tokens on the admin API (approvers): a non-loopback admin listener
    /// then needs an https <c>admin.publicUrl</c> in front of it.
    /// </summary>
    public bool AdminTakesBearerTokens { get; set; }

    /// <summary>Settings the sections produced, for the snapshot's <see cref="GatewaySettings.Features"/>.</summary>
    public FeatureSettings Features => FeatureSettings.Of([.. _features]);

    /// <summary>Another section's options as bound (null when the file has none), e.g. masking checks the profiles policy rules name.</summary>
    public TOptions? Section<TOptions>()
        where TOptions : class
        => _sections.TryGetValue(typeof(TOptions), out var options) ? (TOptions?)options : null;

    /// <summary>Whether the file has the section bound to <paramref name="optionsType"/>.</summary>
    public bool Has(Type optionsType) => _sections.TryGetValue(optionsType, out var options) && options is not null;

    /// <summary>Adds a feature's validated settings (nothing when null).</summary>
    public void Add<T>(T? settings)
        where T : class
    {
        if (settings is not null)
        {
            _features.Add(settings);
        }
    }

    /// <summary>Settings an earlier section added.</summary>
    public T? Get<T>()
        where T : class
        => _features.OfType<T>().FirstOrDefault();
}
