using McpGateway.Core.Hosting;
using McpGateway.Host.Cli;

// Before the first socket: the runtime reads this once.
SocketEngine.PreferInlineCompletions();

return await MainCommand.InvokeAsync(args, Console.Out, Console.Error, TimeProvider.System);
