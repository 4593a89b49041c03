namespace McpGateway.Inspectors.Masking;

/// <summary>What a profile does with base64 <c>data</c> and <c>blob</c> values.</summary>
internal enum Base64Mode
{
    /// <summary>Decoded and scanned when they decode to UTF-8 text; re-encoded when something was masked.</summary>
    Scan,

    /// <summary>Replaced whole by a label.</summary>
    Replace,

    /// <summary>Left alone.</summary>
    Ignore,
}
