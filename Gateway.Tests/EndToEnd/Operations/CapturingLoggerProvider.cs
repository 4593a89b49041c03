using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;

namespace McpGateway.Tests.EndToEnd.Operations;

/// <summary>
/// Captures everything every logger writes, at every level: the formatted message, each structured value, scopes and
/// exceptions (with inner exceptions), i.e. what any console, JSON or OpenTelemetry sink could ever show.
/// </summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> _entries = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyCollection<string> Entries => _entries;

    public string Text => string.Join("\n", _entries);

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var entry = new StringBuilder();
            entry.Append(logLevel).Append(' ').Append(category).Append(' ').Append(eventId.Id).Append(": ").Append(formatter(state, exception));
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach (var (key, value) in values)
                {
                    entry.Append(" | ").Append(key).Append('=').Append(value);
                }
            }

            owner._scopes.ForEachScope((scope, builder) => builder.Append(" | scope=").Append(scope), entry);
            if (exception is not null)
            {
                entry.Append(" | ").Append(exception);
            }

            owner._entries.Enqueue(entry.ToString());
        }
    }
}
