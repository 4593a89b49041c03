namespace McpGateway.Host.Bridge;

/// <summary><c>--token-file</c>: the file's content, trimmed, read again at every renewal so that whatever refreshes it is picked up.</summary>
internal sealed class FileTokenSource(string path) : ITokenSource
{
    private const int MaxTokenBytes = 64 * 1024;

    private readonly string _path = Path.GetFullPath(path);

    public string Description => $"token file {_path}";

    public async Task<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        string token;
        try
        {
            if (new FileInfo(_path).Length > MaxTokenBytes)
            {
                throw new TokenUnavailableException($"token file '{_path}' is larger than {MaxTokenBytes} bytes");
            }

            token = (await File.ReadAllTextAsync(_path, cancellationToken).ConfigureAwait(false)).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new TokenUnavailableException($"token file '{_path}' cannot be read: {ex.Message}", ex);
        }

        return token.Length > 0 ? token : throw new TokenUnavailableException($"token file '{_path}' is empty");
    }
}
