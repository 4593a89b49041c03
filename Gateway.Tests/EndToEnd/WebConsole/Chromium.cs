namespace McpGateway.Tests.EndToEnd.WebConsole;

/// <summary>
/// Where Debian's <c>chromium</c> is (Playwright's own browser download is not used): <c>MCPGW_CHROMIUM</c> when set,
/// else the package's binary. The build installs the package when it is missing; when it still is, the browser tests
/// fail (they are not skipped: a skipped security test would pass CI silently) with <see cref="Missing"/>.
/// </summary>
internal static class Chromium
{
    public const string Missing = "The console's browser tests need Chromium: install Debian's package with `apt-get install -y chromium` "
        + "(build.cake does it when it runs as root or with passwordless sudo), or point MCPGW_CHROMIUM at a Chromium or Chrome binary.";

    private static readonly string[] Candidates = ["/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

    /// <summary>The browser binary, or null when none is installed.</summary>
    public static string? Find() =>
        Environment.GetEnvironmentVariable("MCPGW_CHROMIUM") is { Length: > 0 } configured
            ? (File.Exists(configured) ? configured : null)
            : Candidates.FirstOrDefault(File.Exists);
}
