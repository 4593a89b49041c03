using McpGateway.WebConsole.Live;

namespace McpGateway.Tests.WebConsole;

/// <summary>The server-sent event a live view sends: every line of the fragment as a data line, ended by a blank line.</summary>
[TestFixture]
internal sealed class LiveViewsTests
{
    [Test]
    public void Event_MultiLineFragment_OneDataLinePerLineAndABlankLine() =>
        Assert.That(LiveViews.Event("<p>a</p>\r\n<p>b</p>"), Is.EqualTo("data: <p>a</p>\ndata: <p>b</p>\n\n"));

    [Test]
    public void Event_EmptyFragment_OneEmptyDataLine() =>
        Assert.That(LiveViews.Event(""), Is.EqualTo("data: \n\n"));
}
