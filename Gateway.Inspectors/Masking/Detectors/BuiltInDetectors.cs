using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace McpGateway.Inspectors.Masking.Detectors;

/// <summary>
/// The built-in detector set, chosen for precision: each pattern is anchored on a vendor prefix, a context keyword
/// or a checksum, so that ids, hashes and timestamps do not match. Email, phone and IP addresses are opt-in. Each
/// detector names what every one of its matches contains (its <see cref="PrefilterHint"/>), so that text holding none
/// of it skips the regexes; IP addresses have no such hint and turn the pre-filter off for a profile that opts in.
/// </summary>
internal static class BuiltInDetectors
{
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    private const RegexOptions Options = RegexOptions.Compiled | RegexOptions.CultureInvariant;

    public static readonly FrozenSet<string> OptInKinds = FrozenSet.ToFrozenSet(["email", "phone", "ip"], StringComparer.Ordinal);

    public static readonly FrozenDictionary<string, SecretDetector[]> ByName = WarmedUp(Create()).ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Every built-in that runs without being opted in.</summary>
    public static IEnumerable<string> DefaultNames => ByName.Keys.Where(k => !OptInKinds.Contains(k)).Order(StringComparer.Ordinal);

    private static Dictionary<string, SecretDetector[]> Create() => new(StringComparer.Ordinal)
    {
        ["aws"] =
        [
            Rx("aws_access_key", @"(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])", 20, Anchors("AKIA", "ASIA")),

            // 40 base64 characters within 60 characters after an AWS context keyword.
            new TrailingRegexDetector(
                "aws_secret",
                new Regex(@"(?i:aws|secret_?access_?key)[\s\S]{0,60}?(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])", Options, MatchTimeout),
                40,
                Anchors("aws", "secret"),
                SecretChecks.AwsSecret),
        ],
        ["github"] = [Rx("github_token", @"(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,244})(?![A-Za-z0-9_])", 40, Anchors("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"))],
        ["gitlab"] = [Rx("gitlab_token", @"(?<![A-Za-z0-9_-])glpat-[A-Za-z0-9_-]{20,}", 26, Anchors("glpat-"))],
        ["slack"] =
        [
            Rx("slack_token", @"(?<![A-Za-z0-9_-])xox[baprs]-[A-Za-z0-9-]{10,}", 15, Anchors("xox")),
            Rx("slack_webhook", @"https://hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]+", 40, Anchors("hooks.slack.com")),
        ],
        ["stripe"] = [Rx("stripe_key", @"(?<![A-Za-z0-9_])(?:sk|rk)_live_[A-Za-z0-9]{20,}", 28, Anchors("_live_"))],
        ["google"] = [Rx("google_api_key", @"(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])", 39, Anchors("AIza"))],
        ["jwt"] = [Rx("jwt", @"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{8,}(?![A-Za-z0-9_.-])", 24, Anchors("eyJ"), SecretChecks.Jwt)],
        // Bounded to what a key is made of, so that text a requester writes after a BEGIN line stays visible: up to the
        // END line, only base64 runs of a PEM line's length and the two legacy header lines, separated by whitespace or
        // an escaped line break; without an END line (a cut-off key) only whole 64-character base64 lines.
        ["private_key"] = [Rx("private_key", PrivateKeyPattern, 30, Anchors("-----BEGIN"))],
        ["password"] =
        [
            // A value ends at its line: a quoted one within its line (else only its first word), at most 256 characters.
            Rx("password", @"(?<=(?i:\b(?:password|pwd))[ \t]*=[ \t]*)(?:""[^""\r\n]{1,256}""|'[^'\r\n]{1,256}'|[""']?[^;""'\s&]{1,256})", 10, Anchors("password", "pwd"), trigger: "="),
            Rx("url_password", @"(?<=\b[A-Za-z][A-Za-z0-9+.-]{1,20}://[^/\s:@]{1,256}:)[^/\s@]{1,256}(?=@[^\s@])", 10, Anchors("://"), trigger: "://"),
        ],
        ["card"] = [Rx("card", @"(?<![0-9A-Za-z.,-])[0-9](?:[ -]?[0-9]){12,18}(?![0-9A-Za-z]|[.,-][0-9])", 13, Shape(PrefilterShapes.CardDigits), SecretChecks.Card)],
        ["iban"] = [Rx("iban", @"(?<![A-Za-z0-9])[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30}", 15, Shape(PrefilterShapes.Iban), SecretChecks.Iban)],
        ["ssn"] = [Rx("ssn", @"(?<![0-9A-Za-z-])[0-9]{3}-[0-9]{2}-[0-9]{4}(?![0-9A-Za-z]|-[0-9])", 11, Shape(PrefilterShapes.Ssn), SecretChecks.Ssn, "-")],
        ["email"] = [Rx("email", @"(?<![A-Za-z0-9._%+:/-])[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,24}(?![A-Za-z0-9-])", 6, Shape(PrefilterShapes.At), trigger: "@")],
        ["phone"] = [Rx("phone", @"(?<![A-Za-z0-9+])\+[1-9][0-9 ().-]{6,18}[0-9](?![0-9])", 9, Shape(PrefilterShapes.Plus), SecretChecks.Phone, "+")],
        ["ip"] =
        [
            Rx("ip", @"(?<![0-9.])(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(?![0-9]|\.[0-9])", 7, hint: null, trigger: "."),
            Rx("ip", @"(?<![0-9A-Fa-f:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![0-9A-Fa-f:])", 3, hint: null, SecretChecks.IPv6, ":"),
        ],
    };

    private const string KeyLine = "-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----";
    private const string KeyEnd = "-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----";
    private const string KeyBreak = @"(?:\s|\\[rn])";

    private const string PrivateKeyPattern =
        KeyLine + "(?:"
        + "(?>(?:" + KeyBreak + @"+(?:Proc-Type: [0-9A-Z,]{1,32}|DEK-Info: [A-Z0-9-]{1,32},[0-9A-Fa-f]{1,64}|[A-Za-z0-9+/=]{1,76}(?![A-Za-z0-9+/=])))*)" + KeyBreak + "+" + KeyEnd
        + "|(?>(?:" + @"(?:\r?\n|\\r\\n|\\n)[A-Za-z0-9+/]{64}(?![A-Za-z0-9+/=]))*)"
        + ")";

    /// <summary>Runs every detector once, so that the first message of the gateway does not pay the compiled regexes' JIT against its budget.</summary>
    private static Dictionary<string, SecretDetector[]> WarmedUp(Dictionary<string, SecretDetector[]> detectors)
    {
        const string Sample = "aws key AKIAIOSFODNN7EXAMPLE 4111 1111 1111 1111 DE89 3704 0044 0532 0130 00 a@b.co +1 415 555 2671 ::1 10.0.0.1"
            + " password=\"x y\" -----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY----- \uFF14\u0664";
        List<SecretMatch>? matches = null;
        UnicodeForms.TryFold(Sample, out _, out _, out _);
        foreach (var detector in detectors.Values.SelectMany(d => d))
        {
            try
            {
                detector.Find(Sample, ref matches);
            }
            catch (RegexMatchTimeoutException)
            {
                // Only a warm-up: on a loaded machine the first, unoptimized run may miss the match timeout. Throwing
                // here would fail the type initializer and leave masking broken for the life of the process.
            }
        }

        return detectors;
    }

    private static RegexDetector Rx(string kind, string pattern, int minLength, PrefilterHint? hint, CandidateValidator? validate = null, string? trigger = null) =>
        new(kind, new Regex(pattern, Options, MatchTimeout), minLength, hint, validate, trigger);

    private static PrefilterHint Anchors(params string[] anchors) => new(anchors);

    private static PrefilterHint Shape(PrefilterShapes shape) => new([], shape);
}
