using System.Buffers;
using System.Text;
using McpGateway.Core.Framing;
using McpGateway.Inspectors.Masking;

namespace McpGateway.Tests.Masking;

[TestFixture]
internal sealed class RecordMaskerTests
{
    private const string Request = """{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"deploy","arguments":{"apiKey":"opaque-key-7781","note":"use AKIAIOSFODNN7EXAMPLE"}}}""";

    [Test]
    public void MaskForRecord_RequestArguments_MaskedForTheRecordOnly()
    {
        var rig = new MaskingRig(MaskingRig.CorpusOptions());
        var frame = rig.Frame(Request, FrameDirection.ClientToUpstream);

        var record = Encoding.UTF8.GetString(rig.RecordMasker.MaskForRecord(frame)!);

        Assert.That(record, Is.EqualTo("""{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"deploy","arguments":{"apiKey":"[MASKED:api_key:1]","note":"use [MASKED:aws_access_key:1]"}}}"""));
        Assert.That(Encoding.UTF8.GetString(frame.Payload.ToArray()), Is.EqualTo(Request), "the frame itself is untouched");
    }

    [Test]
    public void MaskForRecord_SecretInId_IdMaskedInTheRecord()
    {
        var rig = new MaskingRig(new MaskingOptions());
        var frame = rig.Frame("""{"jsonrpc":"2.0","id":"AKIAIOSFODNN7EXAMPLE","method":"tools/list"}""", FrameDirection.ClientToUpstream);

        var record = Encoding.UTF8.GetString(rig.RecordMasker.MaskForRecord(frame)!);

        Assert.That(record, Is.EqualTo("""{"jsonrpc":"2.0","id":"[MASKED:aws_access_key:1]","method":"tools/list"}"""));
        Assert.That(rig.RecordMasker.MaskId(rig.Session, frame.Id), Is.EqualTo("\"[MASKED:aws_access_key:1]\""));
        Assert.That(rig.RecordMasker.MaskId(rig.Session, JsonRpcId.FromNumber(4111111111111111)), Is.EqualTo("\"[MASKED:card:1]\""));
        Assert.That(rig.RecordMasker.MaskId(rig.Session, JsonRpcId.FromNumber(7)), Is.Null);
    }

    [Test]
    public void ApprovalMac_SameValueSameMac_NotAPlainHashAnyoneCouldRecompute()
    {
        const string value = "AKIAIOSFODNN7EXAMPLE";
        var plain = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..8];

        Assert.That(McpGateway.Inspectors.Masking.MaskEngine.ApprovalMac(value), Is.EqualTo(McpGateway.Inspectors.Masking.MaskEngine.ApprovalMac(value)));
        Assert.That(McpGateway.Inspectors.Masking.MaskEngine.ApprovalMac(value), Is.Not.EqualTo(McpGateway.Inspectors.Masking.MaskEngine.ApprovalMac("AKIAIOSFODNN7EXAMPLF")));
        Assert.That(McpGateway.Inspectors.Masking.MaskEngine.ApprovalMac(value), Is.Not.EqualTo(plain), "keyed: reading a view gives no way to test guesses offline");
    }

    [Test]
    public void MaskForApproval_EachLabelSaysHowManyCharactersItHides()
    {
        var rig = new MaskingRig(MaskingRig.CorpusOptions());
        var frame = rig.Frame(Request, FrameDirection.ClientToUpstream);

        var view = Encoding.UTF8.GetString(rig.RecordMasker.MaskForApproval(frame)!);

        Assert.That(view, Does.Match("""^\{"jsonrpc":"2\.0","id":4,"method":"tools/call","params":\{"name":"deploy","arguments":\{"apiKey":"\[MASKED:api_key:1 len=15 mac=[0-9a-f]{8}\]","note":"use \[MASKED:aws_access_key:1 len=20 mac=[0-9a-f]{8}\]"\}\}\}$"""));
    }

    [Test]
    public void MaskForRecord_NothingToMask_Null()
    {
        var rig = new MaskingRig(new MaskingOptions());

        Assert.That(rig.RecordMasker.MaskForRecord(rig.Frame("""{"jsonrpc":"2.0","id":4,"method":"tools/list"}""", FrameDirection.ClientToUpstream)), Is.Null);
    }

    [Test]
    public void MaskForRecord_SameSecretInRequestAndResponse_SameLabel()
    {
        var rig = new MaskingRig(new MaskingOptions());
        var record = Encoding.UTF8.GetString(rig.RecordMasker.MaskForRecord(rig.Frame(Request, FrameDirection.ClientToUpstream))!);

        var (_, response) = rig.Run(rig.Frame("""{"jsonrpc":"2.0","id":4,"result":{"content":[{"type":"text","text":"echo: use AKIAIOSFODNN7EXAMPLE"}]}}"""));

        Assert.That(record, Does.Contain("[MASKED:aws_access_key:1]"));
        Assert.That(response, Does.Contain("[MASKED:aws_access_key:1]"));
    }

    [Test]
    public void EnvelopeOnly_KeepsEnvelope_ReplacesPayloadMembers()
    {
        var bytes = Encoding.UTF8.GetBytes(Request);

        var record = Encoding.UTF8.GetString(Inspectors.Masking.RecordMasker.EnvelopeOnly(new System.Buffers.ReadOnlySequence<byte>(bytes)));

        Assert.That(record, Is.EqualTo("""{"jsonrpc":"2.0","id":4,"method":"tools/call","params":"[MASKED:masking_failed]"}"""));
    }
}
