namespace McpGateway.Tests.EndToEnd.Hostile;

/// <summary>How a <see cref="SpyUpstream"/> answers what it receives.</summary>
internal enum SpyMode
{
    /// <summary>Every request gets <c>{"result":{"echo":method}}</c> with the same id.</summary>
    Echo,

    /// <summary>Requests are never answered, except <c>initialize</c> and the methods named in <see cref="SpyBehavior.Answered"/>.</summary>
    Hang,

    /// <summary>Like <see cref="Hang"/>, and the socket is closed once <see cref="SpyBehavior.DieAfterRequests"/> unanswered requests arrived.</summary>
    Die,

    /// <summary>Every received line is answered with the lines <see cref="SpyBehavior.Script"/> returns for it; an <c>initialize</c> it returns nothing for is echoed.</summary>
    Script,

    /// <summary>Notifications are written as fast as the socket takes them, from the moment the gateway connects.</summary>
    Flood,

    /// <summary>Nothing is read until <see cref="SpyUpstream.ResumeReading"/>; afterwards requests are recorded, never answered.</summary>
    Stall,
}
