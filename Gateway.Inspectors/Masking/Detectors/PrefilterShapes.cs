namespace McpGateway.Inspectors.Masking.Detectors;

/// <summary>Shapes of text that no literal names, which <see cref="MaskPrefilter"/> looks for in the raw bytes.</summary>
[Flags]
internal enum PrefilterShapes
{
    None = 0,

    /// <summary>
    /// 13 to 19 digits, single spaces or hyphens allowed between them, where the card detector's lookbehind and lookahead
    /// allow a match to start and end, that pass Luhn and an issuer's prefix and length.
    /// </summary>
    CardDigits = 1,

    /// <summary><c>ddd-dd-dddd</c>.</summary>
    Ssn = 2,

    /// <summary>Two capital letters and two digits (an IBAN's country code and check digits) and eleven more capitals or digits.</summary>
    Iban = 4,

    /// <summary>An at sign (email addresses).</summary>
    At = 8,

    /// <summary>A plus sign (international phone numbers).</summary>
    Plus = 16,
}
