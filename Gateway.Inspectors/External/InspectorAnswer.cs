namespace McpGateway.Inspectors.External;

/// <summary>What one <c>inspect</c> call came to: the inspector's reply, or why there is none.</summary>
internal readonly record struct InspectorAnswer(InspectReply? Reply, InspectorFailure Failure, string? Detail)
{
    public static InspectorAnswer Of(InspectReply reply) => new(reply, default, null);

    public static InspectorAnswer Failed(InspectorFailure failure, string detail) => new(null, failure, detail);
}
