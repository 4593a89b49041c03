using System.Text;
using McpGateway.Core.Framing;
using NUnit.Framework;

namespace McpGateway.Tests.Framing;

[TestFixture]
internal sealed class ToolNameCacheTests
{
    [Test]
    public void GetOrAdd_SameBytesAgain_ReturnsTheSameInstance()
    {
        var cache = new ToolNameCache();

        string first = cache.GetOrAdd("read_file"u8);
        string second = cache.GetOrAdd("read_file"u8.ToArray());

        Assert.That(first, Is.EqualTo("read_file"));
        Assert.That(second, Is.SameAs(first));
    }

    [Test]
    public void GetOrAdd_ManyNames_AlwaysReturnsTheRightName()
    {
        var cache = new ToolNameCache();
        for (int round = 0; round < 3; round++)
        {
            for (int i = 0; i < 100; i++)
            {
                Assert.That(cache.GetOrAdd(Encoding.UTF8.GetBytes($"tool_{i}")), Is.EqualTo($"tool_{i}"));
            }
        }
    }

    [Test]
    public void GetOrAdd_VeryLongName_IsNotCached()
    {
        var cache = new ToolNameCache();
        byte[] name = Encoding.UTF8.GetBytes(new string('t', 500));

        string first = cache.GetOrAdd(name);
        string second = cache.GetOrAdd(name);

        Assert.That(second, Is.EqualTo(first).And.Not.SameAs(first));
    }
}
