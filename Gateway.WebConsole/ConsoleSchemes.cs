namespace McpGateway.WebConsole;

/// <summary>The console's authentication schemes and paths; all of it lives under <see cref="Root"/> on the admin listener.</summary>
internal static class ConsoleSchemes
{
    public const string Cookie = "mcpgw-console";
    public const string OpenIdConnect = "mcpgw-console-oidc";
    public const string Root = "/console";
    public const string CallbackPath = "/console/signin-oidc";
    public const string LivePrefix = "/console/live/";
    public const string DeniedPath = "/console/denied";
    public const string SignedOutPath = "/console/signed-out";
}
