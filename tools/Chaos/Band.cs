namespace HeaterOrleans.Chaos;

/// <summary>A temperature setting as the workload sends it.</summary>
internal readonly record struct Band(double Desired, double UpDelta, double DownDelta);
