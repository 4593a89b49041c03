namespace McpGateway.Core.Admin;

/// <summary>Something a feature needs before the gateway can serve a new session; <c>/readyz</c> asks every registered one.</summary>
internal interface IReadinessCheck
{
    /// <summary>What is not ready, each as <c>kind:name</c> (e.g. <c>inspector:deny-list</c>); empty when ready.</summary>
    IEnumerable<string> NotReady();
}
