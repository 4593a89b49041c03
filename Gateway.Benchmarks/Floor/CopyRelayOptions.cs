using System.Net;

namespace McpGateway.Benchmarks.Floor;

/// <summary>The command line of <c>copy-relay</c>; see <see cref="Usage"/>.</summary>
internal sealed record CopyRelayOptions(IPEndPoint Listen, IPEndPoint Upstream, string Transport)
{
    public const string Usage = """
        usage: McpGateway.Benchmarks copy-relay --upstream 127.0.0.1:PORT [--listen 127.0.0.1:0] [--transport socket]
          --upstream HOST:PORT        where every accepted connection is relayed to (one upstream connection per client)
          --listen HOST:PORT          where to accept (default 127.0.0.1:0, a free port; the bound one is printed)
          --transport socket          socket: a raw Socket accept loop, each direction NetworkStream.CopyToAsync;
                                      kestrel: a Kestrel ConnectionHandler copying the connection's pipe to the upstream
                                      socket and back (the gateway's transport settings, no framing)
        It prints "copy-relay: listening on HOST:PORT" and runs until its standard input ends or it is stopped.
        """;

    public static readonly IReadOnlyList<string> Transports = ["socket", "kestrel"];

    /// <summary>Parses <paramref name="args"/>; null (and a message in <paramref name="error"/>) when they are wrong.</summary>
    public static CopyRelayOptions? Parse(string[] args, out string? error)
    {
        var listen = new IPEndPoint(IPAddress.Loopback, 0);
        IPEndPoint? upstream = null;
        var transport = "socket";
        error = null;
        for (var i = 0; i < args.Length; i += 2)
        {
            var name = args[i];
            if (i + 1 >= args.Length)
            {
                error = $"{name}: a value is required";
                return null;
            }

            var value = args[i + 1];
            switch (name)
            {
                case "--listen" when IPEndPoint.TryParse(value, out var endpoint):
                    listen = endpoint;
                    break;
                case "--upstream" when IPEndPoint.TryParse(value, out var endpoint) && endpoint.Port != 0:
                    upstream = endpoint;
                    break;
                case "--transport" when Transports.Contains(value):
                    transport = value;
                    break;
                case "--listen" or "--upstream":
                    error = $"{name} {value}: expected an IP address and a port, e.g. 127.0.0.1:5000" + (name == "--upstream" ? " (not port 0)" : string.Empty);
                    return null;
                case "--transport":
                    error = $"{name} {value}: transports are {string.Join(", ", Transports)}";
                    return null;
                default:
                    error = $"unknown option {name}";
                    return null;
            }
        }

        if (upstream is null)
        {
            error = "--upstream is required";
            return null;
        }

        return new CopyRelayOptions(listen, upstream, transport);
    }
}
