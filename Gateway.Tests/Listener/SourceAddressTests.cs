using System.Net;
using McpGateway.Core.Listener;

namespace McpGateway.Tests.Listener;

[TestFixture]
internal sealed class SourceAddressTests
{
    [Test]
    public void Key_IPv6AddressesOfOneSlash64_OneKey()
    {
        var one = SourceAddress.Key(new IPEndPoint(IPAddress.Parse("2001:db8:1:2::1"), 1000));
        var other = SourceAddress.Key(new IPEndPoint(IPAddress.Parse("2001:db8:1:2:ffff:ffff:ffff:ffff"), 2000));
        var nextNetwork = SourceAddress.Key(new IPEndPoint(IPAddress.Parse("2001:db8:1:3::1"), 1000));

        Assert.Multiple(() =>
        {
            Assert.That(one, Is.EqualTo(other));
            Assert.That(one, Is.EqualTo(IPAddress.Parse("2001:db8:1:2::")));
            Assert.That(nextNetwork, Is.Not.EqualTo(one));
        });
    }

    [Test]
    public void Key_IPv4MappedIntoIPv6_TheIPv4Address()
    {
        var mapped = SourceAddress.Key(new IPEndPoint(IPAddress.Parse("::ffff:192.0.2.7"), 1000));

        Assert.That(mapped, Is.EqualTo(IPAddress.Parse("192.0.2.7")));
    }

    [Test]
    public void Key_NotAnIPEndPoint_Null()
    {
        Assert.That(SourceAddress.Key(new DnsEndPoint("example.com", 1)), Is.Null);
    }
}
