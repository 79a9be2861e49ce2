namespace HeaterOrleans.IntegrationTests;

/// <summary>A body of unknown length: HttpClient sends it chunked, without a Content-Length.</summary>
internal sealed class UnseekableStream(byte[] content) : MemoryStream(content)
{
    public override bool CanSeek => false;
}
