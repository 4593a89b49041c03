using McpGateway.Host.Bridge;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace McpGateway.Host.Commands;

/// <summary>
/// <c>mcpgw bridge</c>: a stdio MCP server for an unmodified MCP client. It dials the gateway, authenticates with
/// a token from the configured source, relays frames both ways and renews before expiry. Logs go to stderr only;
/// stdout carries nothing but the gateway's frames.
/// </summary>
internal static class BridgeCommand
{
    private static readonly TimeSpan _connectTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan _tokenEndpointTimeout = TimeSpan.FromSeconds(30);

    /// <param name="values">The options given, by name without their dashes (<see cref="BridgeArguments.Valued"/>).</param>
    public static async Task<int> RunAsync(IReadOnlyDictionary<string, string> values, bool tls)
    {
        var errors = new List<string>();
        var options = BridgeArguments.FromValues(values, tls, Environment.GetEnvironmentVariable, errors);
        if (options is null)
        {
            foreach (var error in errors)
            {
                Console.Error.WriteLine($"mcpgw bridge: {error}");
            }

            Console.Error.WriteLine(BridgeArguments.UsageText);
            return BridgeExitCodes.Usage;
        }

        using var loggerFactory = LoggerFactory.Create(logging => logging
            .AddSimpleConsole(o => o.SingleLine = true)
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
            .AddFilter("System.Net.Http", LogLevel.Warning)
            .SetMinimumLevel(LogLevel.Information));
        var logger = loggerFactory.CreateLogger("McpGateway.Bridge");
        using var shutdown = new CancellationTokenSource();
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            shutdown.Cancel();
        });

        var outcome = await RunAsync(options, logger, shutdown.Token);
        if (outcome.Message is not null)
        {
            Console.Error.WriteLine($"mcpgw bridge: {outcome.Message}");
        }

        return outcome.ExitCode;
    }

    private static async Task<BridgeOutcome> RunAsync(BridgeOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        var timeProvider = TimeProvider.System;
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = _tokenEndpointTimeout };
        ITokenSource? tokens;
        GatewayDialer dialer;
        try
        {
            tokens = CreateTokenSource(options, http, timeProvider);
            dialer = new GatewayDialer(options);
        }
        catch (Exception ex) when (ex is TokenUnavailableException or InvalidOperationException)
        {
            return new BridgeOutcome(BridgeExitCodes.Usage, ex.Message);
        }

        using (dialer)
        using (tokens as IDisposable)
        {
            Stream gateway;
            try
            {
                gateway = await dialer.ConnectAsync(_connectTimeout, cancellationToken);
            }
            catch (GatewayUnreachableException ex)
            {
                return new BridgeOutcome(BridgeExitCodes.GatewayUnreachable, ex.Message);
            }

            BridgeLog.Connected(logger, $"{options.Host}:{options.Port}", dialer.Description, options.Connection, tokens?.Description ?? "the client certificate alone");
            await using var relay = new BridgeRelay(Console.OpenStandardInput(), Console.OpenStandardOutput(), gateway, options.Connection, tokens, timeProvider, logger);
            try
            {
                var outcome = await relay.RunAsync(cancellationToken);
                var noAnswer = outcome.Message is { } message && (message.Contains("without answering", StringComparison.Ordinal) || message.Contains("first frame is not", StringComparison.Ordinal));
                return outcome.ExitCode == BridgeExitCodes.AuthenticationFailed && !options.Tls && noAnswer
                    ? outcome with { Message = outcome.Message + " (if its listener serves TLS, add --tls)" }
                    : outcome;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return new BridgeOutcome(BridgeExitCodes.ClientClosed, null);
            }
        }
    }

    private static ITokenSource? CreateTokenSource(BridgeOptions options, HttpClient http, TimeProvider timeProvider) => options.TokenSource switch
    {
        TokenSourceKind.File => new FileTokenSource(options.TokenFile!),
        TokenSourceKind.Command => new CommandTokenSource(options.TokenCommand!, CommandTokenSource.DefaultTimeout),
        TokenSourceKind.ClientSecret => new ClientCredentialsTokenSource(
            new Uri(options.Issuer!), options.ClientId!, new ClientSecretAuthentication(options.ClientId!, options.ClientSecretFile), options.Scope, options.Resource, http),
        TokenSourceKind.PrivateKeyJwt => new ClientCredentialsTokenSource(
            new Uri(options.Issuer!), options.ClientId!, PrivateKeyJwtAuthentication.Load(options.ClientId!, options.ClientKeyFile!, options.ClientKeyId, timeProvider), options.Scope, options.Resource, http),
        _ => null,
    };
}
