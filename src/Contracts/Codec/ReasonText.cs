namespace HeaterOrleans.Contracts.Codec;

/// <summary>Caps the reasons we put in headers, logs and HTTP answers: a reason may echo input of any size.</summary>
public static class ReasonText
{
    /// <summary>Longest reason kept, in characters.</summary>
    public const int MaxLength = 1024;

    public static string Cap(string reason) =>
        reason.Length <= MaxLength ? reason : string.Concat(reason.AsSpan(0, MaxLength - 1), "…");
}
