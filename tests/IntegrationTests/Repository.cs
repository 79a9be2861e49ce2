namespace HeaterOrleans.IntegrationTests;

/// <summary>Files of this repository that tests read (manifests, dashboards, rules).</summary>
public static class Repository
{
    /// <summary>The folder of HeaterOrleans.sln, found above the test binaries.</summary>
    public static string Root { get; } = Find();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "HeaterOrleans.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("HeaterOrleans.sln not found above the test binaries.");
    }
}
