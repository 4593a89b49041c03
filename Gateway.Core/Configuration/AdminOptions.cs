namespace McpGateway.Core.Configuration;

/// <summary>The <c>admin</c> section: the HTTP listener for <c>/healthz</c>, <c>/readyz</c> and <c>/metrics</c>. Absent: no admin listener.</summary>
internal sealed class AdminOptions
{
    /// <summary><c>host:port</c>, e.g. <c>127.0.0.1:7401</c>. Anything but a loopback address needs <see cref="AllowRemote"/>.</summary>
    public string? Listen { get; set; }

    /// <summary>The admin endpoints carry no secrets but reveal the upstream layout; a non-loopback listener must say so.</summary>
    public bool? AllowRemote { get; set; }

    /// <summary>
    /// The admin API's base URL as approvers reach it (e.g. <c>https://mcpgw-admin.example.com</c> behind a proxy); links
    /// in approval notices start with it. Absent: the listener's bound address.
    /// </summary>
    public string? PublicUrl { get; set; }

    /// <summary>The web console for approvers and auditors on this listener (<c>/console</c>). Absent: no console.</summary>
    public ConsoleOptions? Console { get; set; }
}
