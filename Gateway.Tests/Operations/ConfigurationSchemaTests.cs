using System.Reflection;
using System.Text.Json.Nodes;
using McpGateway.Core.Configuration;
using McpGateway.Host.Commands;
using McpGateway.Inspectors;
using McpGateway.Tests.EndToEnd.Protocol;
using McpGateway.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace McpGateway.Tests.Operations;

/// <summary>
/// schema/gateway.schema.json against the options classes (so neither can drift from the other) and the example
/// configurations in samples/configs against the real loader.
/// </summary>
[TestFixture]
internal sealed class ConfigurationSchemaTests
{
    /// <summary>Keys of the file that are not options properties: for editors, and the plugins' own section.</summary>
    private static readonly string[] RootExtras = ["$schema", "pluginOptions"];

    private static string SchemaPath => Path.Combine(RepoPaths.Root, "schema", "gateway.schema.json");

    private static string SamplesDirectory => Path.Combine(RepoPaths.Root, "samples", "configs");

    private static IEnumerable<string> Samples() =>
        Directory.GetFiles(Path.Combine(RepoPaths.Root, "samples", "configs"), "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    [Test]
    public void Schema_PropertyNames_MatchTheOptionsClassesAtEveryLevel()
    {
        var schema = JsonNode.Parse(File.ReadAllText(SchemaPath))!.AsObject();
        var mismatches = new List<string>();

        Compare(schema, schema, typeof(GatewayOptions), "", mismatches, [.. RootExtras, .. GatewayConfiguration.Sections.Select(s => s.Key)]);
        foreach (var section in GatewayConfiguration.Sections)
        {
            if (schema["properties"]?[section.Key] is JsonObject node)
            {
                CompareValue(schema, node, section.OptionsType, section.Key, mismatches);
            }
        }

        Assert.That(mismatches, Is.Empty, string.Join("\n", mismatches));
    }

    [Test]
    public void Schema_Draft_Is2020_12()
    {
        var schema = JsonNode.Parse(File.ReadAllText(SchemaPath))!;

        Assert.That(schema["$schema"]?.GetValue<string>(), Is.EqualTo("https://json-schema.org/draft/2020-12/schema"));
    }

    [Test]
    public void Samples_AreThereForEachDeployment()
    {
        Assert.That(Samples(), Is.SupersetOf(new[] { "minimal-dev.json", "plugin.json", "production-oidc-tls.json" }));
    }

    [TestCaseSource(nameof(Samples))]
    public void Sample_LoadsWithTheRealLoaderAndHasNoUnknownKeys(string name)
    {
        using var certificates = TestCertificates.Create();
        var path = Path.Combine(SamplesDirectory, name);
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(path)
            .AddInMemoryCollection(MachineSpecific(configuration: new ConfigurationBuilder().AddJsonFile(path).Build(), certificates))
            .Build();

        GatewaySettings? settings = null;
        Assert.Multiple(() =>
        {
            Assert.That(() => settings = GatewayConfiguration.Load(configuration, SamplesDirectory), Throws.Nothing);
            Assert.That(ConfigurationKeyCheck.UnknownKeys(configuration), Is.Empty);
        });
        Assert.That(settings!.Connections, Is.Not.Empty);
        settings.Tls?.Certificate.Dispose();
    }

    [Test]
    public void Sample_MinimalDev_PassesConfigCheckAsIs()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = ConfigCheckCommand.Run([Path.Combine(SamplesDirectory, "minimal-dev.json")], output, error);

        Assert.That(exit, Is.Zero, error.ToString());
    }

    /// <summary>
    /// What a deployment fills in: the production sample's certificate files and secret variable, and the plugin's
    /// build output for this test run's configuration.
    /// </summary>
    private static Dictionary<string, string?> MachineSpecific(IConfiguration configuration, TestCertificates certificates)
    {
        var overrides = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (configuration["tls:certificateFile"] is not null)
        {
            overrides["tls:certificateFile"] = certificates.Server.CertificateFile;
            overrides["tls:keyFile"] = certificates.Server.KeyFile;
            overrides["tls:clientCertificates:trustedCaFile"] = certificates.CaFile;
        }

        foreach (var connection in configuration.GetSection("connections").GetChildren())
        {
            foreach (var variable in connection.GetSection("env").GetChildren().Where(v => v["fromEnv"] is not null))
            {
                overrides[$"{variable.Path}:fromEnv"] = "PATH";
            }
        }

        if (configuration.GetSection("plugins").GetChildren().Any())
        {
            overrides["plugins:0"] = BuildOutputs.ToolCallQuotaPluginDll;
        }

        return overrides;
    }

    /// <summary>Walks the schema node of <paramref name="type"/>, following <c>$ref</c>, maps and lists, comparing property names.</summary>
    private static void Compare(JsonObject root, JsonObject node, Type type, string path, List<string> mismatches, IEnumerable<string> extras)
    {
        node = Resolve(root, node);
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance);
        var expected = properties.Select(p => ConfigurationKeyCheck.JsonName(p.Name)).Concat(extras).ToHashSet(StringComparer.Ordinal);
        var actual = (node["properties"] as JsonObject)?.Select(p => p.Key).ToHashSet(StringComparer.Ordinal) ?? [];
        foreach (var missing in expected.Except(actual).Order(StringComparer.Ordinal))
        {
            mismatches.Add($"{path}{missing}: in {type.Name} but not in the schema");
        }

        foreach (var stale in actual.Except(expected).Order(StringComparer.Ordinal))
        {
            mismatches.Add($"{path}{stale}: in the schema but not in {type.Name}");
        }

        if (node["additionalProperties"]?.GetValue<bool>() != false)
        {
            mismatches.Add($"{path}: the schema must set additionalProperties: false, or typos pass unnoticed");
        }

        foreach (var property in properties)
        {
            var name = ConfigurationKeyCheck.JsonName(property.Name);
            if (node["properties"]?[name] is JsonObject child)
            {
                CompareValue(root, child, property.PropertyType, $"{path}{name}", mismatches);
            }
        }
    }

    private static void CompareValue(JsonObject root, JsonObject node, Type type, string path, List<string> mismatches)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        node = Resolve(root, node);
        if (ConfigurationKeyCheck.IsLeaf(type))
        {
            return;
        }

        if (ConfigurationKeyCheck.DictionaryValueType(type) is { } valueType)
        {
            if (node["additionalProperties"] is JsonObject values)
            {
                CompareValue(root, values, valueType, path + ".*", mismatches);
            }
            else
            {
                mismatches.Add($"{path}: a map in {type.Name}; the schema needs additionalProperties with the value's schema");
            }

            return;
        }

        if (ConfigurationKeyCheck.ListItemType(type) is { } itemType)
        {
            if (!ConfigurationKeyCheck.IsLeaf(itemType))
            {
                CompareValue(root, (JsonObject)node["items"]!, itemType, path + "[]", mismatches);
            }

            return;
        }

        Compare(root, node, type, path + ".", mismatches, []);
    }

    private static JsonObject Resolve(JsonObject root, JsonObject node)
    {
        while (node["$ref"]?.GetValue<string>() is { } reference)
        {
            var target = root;
            foreach (var segment in reference.TrimStart('#', '/').Split('/'))
            {
                target = (JsonObject)target[segment]!;
            }

            node = target;
        }

        return node;
    }
}
