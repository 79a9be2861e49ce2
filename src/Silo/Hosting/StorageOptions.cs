namespace HeaterOrleans.Silo.Hosting;

/// <summary>Where grain state (and, with PostgreSQL, cluster membership) lives (<c>Storage:*</c>).</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";
    public const string Memory = "Memory";
    public const string PostgreSql = "PostgreSQL";

    /// <summary><c>Memory</c> or <c>PostgreSQL</c> (with <c>ConnectionStrings:Orleans</c>).</summary>
    public string Provider { get; set; } = Memory;

    /// <summary>Create the Orleans tables at start when missing.</summary>
    public bool ApplySchema { get; set; } = true;
}
