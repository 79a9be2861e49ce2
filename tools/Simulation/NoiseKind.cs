namespace HeaterOrleans.Simulation;

/// <summary>Distribution of the sensor noise; both have the standard deviation <c>Noise</c>.</summary>
public enum NoiseKind
{
    Gaussian,

    /// <summary>Bounded (half-width √3·σ): lets a test state a hard bound on the noise.</summary>
    Uniform,
}
