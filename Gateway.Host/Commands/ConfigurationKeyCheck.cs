using System.Reflection;
using McpGateway.Core.Configuration;
using McpGateway.Inspectors;
using Microsoft.Extensions.Configuration;

namespace McpGateway.Host.Commands;

/// <summary>
/// Finds keys the binder would silently ignore (a typo such as <c>limits.maxFrameByte</c>) by walking the configuration
/// against the public properties of <see cref="GatewayOptions"/> and the features' sections' options. <c>pluginOptions</c> belongs to the
/// plugins and is not checked; <c>$schema</c> is for editors.
/// </summary>
internal static class ConfigurationKeyCheck
{
    private static readonly HashSet<string> RootExtras = new(StringComparer.OrdinalIgnoreCase) { "pluginOptions", "$schema" };

    public static List<string> UnknownKeys(IConfiguration configuration)
    {
        var errors = new List<string>();
        foreach (var child in configuration.GetChildren())
        {
            if (RootExtras.Contains(child.Key))
            {
                continue;
            }

            if (GatewayConfiguration.Sections.FirstOrDefault(s => string.Equals(s.Key, child.Key, StringComparison.OrdinalIgnoreCase)) is { } feature)
            {
                CheckValue(child, feature.OptionsType, child.Key, errors);
            }
            else
            {
                CheckMember(child, typeof(GatewayOptions), child.Key, errors, GatewayConfiguration.Sections.Select(s => s.Key));
            }
        }

        return errors;
    }

    private static void CheckMember(IConfigurationSection section, Type owner, string path, List<string> errors, IEnumerable<string>? alsoKnown = null)
    {
        var property = owner.GetProperty(section.Key, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
        if (property is null)
        {
            var known = owner.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => JsonName(p.Name)).Concat(alsoKnown ?? []);
            errors.Add($"{path}: unknown key (known here: {string.Join(", ", known)})");
            return;
        }

        CheckValue(section, property.PropertyType, path, errors);
    }

    private static void CheckValue(IConfigurationSection section, Type type, string path, List<string> errors)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        var children = section.GetChildren().ToList();
        if (IsLeaf(type))
        {
            if (children.Count > 0)
            {
                errors.Add($"{path}: expects a single value, not an object or array");
            }

            return;
        }

        if (DictionaryValueType(type) is { } valueType)
        {
            foreach (var child in children)
            {
                CheckValue(child, valueType, $"{path}.{child.Key}", errors);
            }

            return;
        }

        if (ListItemType(type) is { } itemType)
        {
            // A list given as one string (auth.audience) has no children and passes.
            foreach (var child in children)
            {
                CheckValue(child, itemType, $"{path}[{child.Key}]", errors);
            }

            return;
        }

        if (children.Count == 0 && section.Value is not null)
        {
            errors.Add($"{path}: expects an object");
            return;
        }

        foreach (var child in children)
        {
            CheckMember(child, type, $"{path}.{child.Key}", errors);
        }
    }

    internal static bool IsLeaf(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(TimeSpan) || type == typeof(decimal);

    internal static Type? DictionaryValueType(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IDictionary<,>) ? type.GetGenericArguments()[1] : null;

    internal static Type? ListItemType(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IList<>) ? type.GetGenericArguments()[0]
        : type.IsArray ? type.GetElementType()
        : null;

    internal static string JsonName(string propertyName) => char.ToLowerInvariant(propertyName[0]) + propertyName[1..];
}
