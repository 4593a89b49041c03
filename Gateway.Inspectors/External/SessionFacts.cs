using System.Buffers;
using System.Text.Json;
using McpGateway.Core.Chain;
using McpGateway.Core.Identity;

namespace McpGateway.Inspectors.External;

/// <summary>
/// The <c>session</c> member of an <c>inspect</c> call: the session's id, identity (subject, groups, client id, never the
/// token or its hash), connection and protocol version. Written once per session and identity, kept on the session.
/// </summary>
internal sealed class SessionFacts
{
    private static readonly object Key = new();

    private readonly GatewayIdentity? _identity;
    private readonly string? _protocolVersion;

    private SessionFacts(GatewayIdentity? identity, string? protocolVersion, RawJson json)
    {
        _identity = identity;
        _protocolVersion = protocolVersion;
        Json = json;
    }

    public RawJson Json { get; }

    public static RawJson For(IGatewaySession session)
    {
        var identity = session.Identity;
        var version = session.ProtocolVersion;
        if (session.Items.TryGetValue(Key, out var cached) && cached is SessionFacts facts
            && ReferenceEquals(facts._identity, identity) && string.Equals(facts._protocolVersion, version, StringComparison.Ordinal))
        {
            return facts.Json;
        }

        var fresh = new SessionFacts(identity, version, new RawJson(Write(session, identity, version)));
        session.Items[Key] = fresh;
        return fresh.Json;
    }

    private static byte[] Write(IGatewaySession session, GatewayIdentity? identity, string? protocolVersion)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("id", session.Id);
            json.WriteString("subject", identity?.Subject);
            json.WriteString("clientId", identity?.ClientId);
            json.WriteStartArray("groups");
            foreach (var group in identity?.Groups ?? [])
            {
                json.WriteStringValue(group);
            }

            json.WriteEndArray();
            json.WriteString("connection", session.ConnectionName);
            json.WriteString("protocolVersion", protocolVersion);
            json.WriteString("remoteAddress", session.RemoteAddress);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
