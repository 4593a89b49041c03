namespace McpGateway.Inspectors.External;

/// <summary>The methods of the inspector protocol (docs/inspector-protocol.md).</summary>
internal static class InspectorMethods
{
    public const string Hello = "hello";

    public const string Inspect = "inspect";
}
