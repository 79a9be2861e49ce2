namespace HeaterOrleans.Silo.Http;

/// <summary>The HTTP API (<c>Api:*</c>).</summary>
public sealed class ApiOptions
{
    public const string SectionName = "Api";

    /// <summary>Bearer token the write endpoints require; empty leaves them open.</summary>
    public string? Token { get; set; }

    /// <summary>Serve the Orleans Dashboard at <c>/dashboard</c>.</summary>
    public bool Dashboard { get; set; }
}
