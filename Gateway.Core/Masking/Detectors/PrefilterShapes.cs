namespace McpGateway.Core.Masking.Detectors;

/// <summary>Shapes of text that no literal names, which <see cref="MaskPrefilter"/> looks for in the raw bytes.</summary>
[Flags]
internal enum PrefilterShapes
{
    None = 0,

    /// <summary>A digit 2-6 followed by twelve or more digits, single spaces or hyphens allowed between them (card issuers).</summary>
    CardDigits = 1,

    /// <summary><c>ddd-dd-dddd</c>.</summary>
    Ssn = 2,

    /// <summary>Two capital letters and two digits: an IBAN's country code and check digits.</summary>
    Iban = 4,

    /// <summary>An at sign (email addresses).</summary>
    At = 8,

    /// <summary>A plus sign (international phone numbers).</summary>
    Plus = 16,
}
