namespace HeaterOrleans.Silo.Http;

/// <summary>The HTTP API (<c>Api:*</c>).</summary>
public sealed class ApiOptions
{
    public const string SectionName = "Api";

    /// <summary>
    /// Bearer token the write endpoints require. Empty leaves them open, which only the embedded setup allows
    /// unless <see cref="AllowAnonymousWrites"/> says so.
    /// </summary>
    public string? Token { get; set; }

    /// <summary>Lets a deployment on a real broker run without <see cref="Token"/>: anyone who reaches HTTP may write.</summary>
    public bool AllowAnonymousWrites { get; set; }

    /// <summary>Serve the Orleans Dashboard at <c>/dashboard</c>.</summary>
    public bool Dashboard { get; set; }
}
