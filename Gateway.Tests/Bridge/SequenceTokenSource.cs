using McpGateway.Host.Bridge;

namespace McpGateway.Tests.Bridge;

/// <summary>Hands out <c>token-1</c>, <c>token-2</c>, ...; or fails while <see cref="Failing"/> is set.</summary>
internal sealed class SequenceTokenSource : ITokenSource
{
    private int _issued;

    public string Description => "test tokens";

    public int Issued => Volatile.Read(ref _issued);

    public bool Failing { get; set; }

    public Task<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (Failing)
        {
            throw new TokenUnavailableException("the test says no");
        }

        return Task.FromResult("token-" + Interlocked.Increment(ref _issued));
    }
}
