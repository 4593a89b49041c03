namespace McpGateway.Core.Framing;

public enum JsonRpcIdKind : byte
{
    None,
    Null,
    Number,
    String,
}
