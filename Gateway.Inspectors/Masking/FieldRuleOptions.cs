namespace McpGateway.Inspectors.Masking;

/// <summary>A JSON-path field rule: the string at <see cref="Path"/> is masked whole, labelled <see cref="Kind"/>.</summary>
internal sealed class FieldRuleOptions
{
    /// <summary>Dotted path from the message root, e.g. <c>$.result.structuredContent.password</c>; <c>*</c> and <c>[*]</c> match any member or element.</summary>
    public string? Path { get; set; }

    /// <summary>The label's kind (default <c>field</c>).</summary>
    public string? Kind { get; set; }
}
