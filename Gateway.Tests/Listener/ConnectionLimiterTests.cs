using System.Net;
using McpGateway.Core.Configuration;
using McpGateway.Core.Listener;

namespace McpGateway.Tests.Listener;

[TestFixture]
internal sealed class ConnectionLimiterTests
{
    private static readonly IPAddress First = IPAddress.Parse("192.0.2.1");
    private static readonly IPAddress Second = IPAddress.Parse("192.0.2.2");

    [Test]
    public void TryAcceptSocket_BeyondUnauthenticatedPerAddress_RefusedWhileAnotherAddressIsAdmitted()
    {
        var limiter = new ConnectionLimiter(new ConnectionLimits { MaxUnauthenticatedPerAddress = 2 });
        using var a = limiter.TryAcceptSocket(First, out _);
        using var b = limiter.TryAcceptSocket(First, out _);

        using var c = limiter.TryAcceptSocket(First, out var refusal);
        using var other = limiter.TryAcceptSocket(Second, out _);

        Assert.Multiple(() =>
        {
            Assert.That(c, Is.Null);
            Assert.That(refusal, Is.EqualTo("too_many_unauthenticated_from_address"));
            Assert.That(other, Is.Not.Null);
        });
    }

    [Test]
    public void TryAcceptSocket_AfterOneAuthenticates_ItsAddressMayOpenAnotherUnauthenticated()
    {
        var limiter = new ConnectionLimiter(new ConnectionLimits { MaxUnauthenticatedPerAddress = 1 });
        using var a = limiter.TryAcceptSocket(First, out _);
        using var refused = limiter.TryAcceptSocket(First, out _);
        a!.EndPreAuth();

        using var b = limiter.TryAcceptSocket(First, out _);

        Assert.Multiple(() =>
        {
            Assert.That(refused, Is.Null);
            Assert.That(b, Is.Not.Null);
        });
    }

    [Test]
    public void TryAcceptSocket_BeyondConnectionsPerAddress_RefusedAndAdmittedWhenOneLeaves()
    {
        var limiter = new ConnectionLimiter(new ConnectionLimits { MaxConnectionsPerAddress = 2 });
        var a = limiter.TryAcceptSocket(First, out _)!;
        a.EndPreAuth();
        using var b = limiter.TryAcceptSocket(First, out _);

        var refused = limiter.TryAcceptSocket(First, out var refusal);
        a.Dispose();
        using var c = limiter.TryAcceptSocket(First, out _);

        Assert.Multiple(() =>
        {
            Assert.That(refused, Is.Null);
            Assert.That(refusal, Is.EqualTo("too_many_from_address"));
            Assert.That(c, Is.Not.Null);
            Assert.That(limiter.Active, Is.EqualTo(2));
        });
    }

    [Test]
    public void TryAccept_DescriptorBudgetSpent_RefusedUntilALeaseGivesItsShareBack()
    {
        // A socket takes one descriptor and its upstream three; a front door session (no socket of its own) three.
        var descriptors = new DescriptorBudget(7);
        var limiter = new ConnectionLimiter(ConnectionLimits.Default, descriptors);
        var socket = limiter.TryAcceptSocket(First, out _)!;
        using var session = limiter.TryAccept(out _);

        using var refused = limiter.TryAccept(out var refusal);
        socket.Dispose();
        socket.Dispose();
        using var admitted = limiter.TryAccept(out _);

        Assert.Multiple(() =>
        {
            Assert.That(session, Is.Not.Null);
            Assert.That(refused, Is.Null);
            Assert.That(refusal, Is.EqualTo("out_of_descriptors"));
            Assert.That(admitted, Is.Not.Null);
            Assert.That(descriptors.Used, Is.EqualTo(6), "a lease disposed twice gives its share back once");
        });
    }

    [Test]
    public void TryAcceptSocket_UnknownAddress_CountsOnlyTowardsTheListenerTotals()
    {
        var limiter = new ConnectionLimiter(new ConnectionLimits { MaxUnauthenticatedPerAddress = 1, MaxUnauthenticatedConnections = 2 });
        using var a = limiter.TryAcceptSocket(null, out _);
        using var b = limiter.TryAcceptSocket(null, out _);

        using var c = limiter.TryAcceptSocket(null, out var refusal);

        Assert.Multiple(() =>
        {
            Assert.That(b, Is.Not.Null);
            Assert.That(c, Is.Null);
            Assert.That(refusal, Is.EqualTo("too_many_unauthenticated"));
        });
    }
}
