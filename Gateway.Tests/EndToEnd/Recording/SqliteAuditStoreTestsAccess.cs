using McpGateway.Inspectors.Recording;
using McpGateway.Tests.Recording;

namespace McpGateway.Tests.EndToEnd.Recording;

/// <summary>Opens a finished gateway's SQLite store the way the store tests do.</summary>
internal static class SqliteAuditStoreTestsAccess
{
    public static SqliteAuditStore Open(string path) => SqliteAuditStoreTests.Open(path);
}
